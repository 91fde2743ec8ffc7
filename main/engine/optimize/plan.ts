/**
 * The cost optimizer's plan: for each wedding, which copies to move to a colder storage class, with
 * the monthly saving, the one-time costs and the break-even month, all computed by the cost model
 * (cost/model.ts) from the same price tables as the cost report. Pure: no I/O, the time is given.
 *
 * The rules, in order:
 * 1. A wedding under the critical policy (its wedding-day window), or below its copy target, is never
 *    touched.
 * 2. A hot wedding (files changing, opened or restored in the last 14 days, or its day close) stays.
 * 3. A cooling wedding may move to a class that is readable at once with a minimum duration of at most
 *    30 days (S3 Standard-IA, GCS Nearline, Azure Cool).
 * 4. A cold or delivered wedding may move to any colder class; one that must be rehydrated before a
 *    restore (S3 Glacier / Deep Archive, Azure Archive) only while `warmCopies` other copies of the
 *    wedding stay readable at once (a local drive or NAS counts).
 * 5. Among the allowed classes the one that saves most over 12 months after its one-time costs is
 *    chosen, if it pays for itself within 12 months.
 */
import type { Micros } from '../../../shared/model/cost.js';
import type { ClassMove, WeddingPlan } from '../../../shared/model/optimize.js';
import type { PolicyName } from '../../../shared/model/policy.js';
import type { Temperature } from '../../../shared/model/analysis.js';
import { picoToMicros, toPico } from '../cost/money.js';
import {
  earlyDeletionCharge,
  monthlyCost,
  retrievalEstimate,
  type CostTarget,
  type StoredReplica,
} from '../cost/model.js';
import { classPrices, type PriceBook } from '../cost/prices.js';

/** One wedding as the plan sees it. */
export interface PlanWedding {
  weddingId: number | null;
  label: string;
  policy: PolicyName | null;
  belowTarget: number;
  temperature: Temperature;
}

/** A stored replica with the class it is in now (absent or null: its destination's configured class). */
export type ClassedReplica = StoredReplica;

export interface PlanInput {
  weddings: readonly PlanWedding[];
  targets: readonly CostTarget[];
  replicas: Iterable<ClassedReplica>;
  book: PriceBook;
  nowMs: number;
  /** Copies of each wedding that must stay readable at once (default 1). */
  warmCopies?: number;
}

const COOLING_MAX_MIN_DAYS = 30;
const PAYBACK_MONTHS = 12;

/** Whether objects of a class can be read at once (no rehydration wait). */
export function readableAtOnce(book: PriceBook, t: CostTarget, storageClass: string): boolean {
  if (t.provider === 'local') return true;
  const p = classPrices(book, t.provider, storageClass);
  return !p || p.prices.retrieval.standard.waitMinutes.max === 0;
}

/** The steady monthly charge of `replicas` at `t` in `storageClass` (storage and per-object overhead). */
function monthlyAt(
  book: PriceBook,
  t: CostTarget,
  storageClass: string,
  replicas: StoredReplica[],
  nowMs: number,
): Micros {
  // Every replica is priced in `storageClass` here, whatever class it is in now.
  const plain = replicas.map(({ storageClass: _c, ...r }) => r);
  const d = monthlyCost({ destinations: [{ ...t, storageClass }], replicas: plain }, book, nowMs)
    .destinations[0]!;
  return d.monthly.storage + d.monthly.objectOverhead;
}

/** The plan for every wedding. */
export function optimizationPlan(input: PlanInput): WeddingPlan[] {
  const { book, nowMs } = input;
  const warmNeeded = input.warmCopies ?? 1;
  const targets = new Map(input.targets.map((t) => [t.name, t]));
  // Replicas by wedding, then by (destination, current class).
  const byWedding = new Map<
    number | null,
    Map<string, { target: CostTarget; cls: string; replicas: ClassedReplica[] }>
  >();
  for (const r of input.replicas) {
    const t = targets.get(r.destination);
    if (!t) continue;
    const cls = r.storageClass ?? t.storageClass;
    const groups = byWedding.get(r.weddingId) ?? new Map();
    byWedding.set(r.weddingId, groups);
    const key = `${t.name}\0${cls}`;
    const g = groups.get(key) ?? { target: t, cls, replicas: [] };
    g.replicas.push(r);
    groups.set(key, g);
  }
  return input.weddings.map((w) => {
    const base = { weddingId: w.weddingId, label: w.label, policy: w.policy, temperature: w.temperature };
    const keep = (reason: string): WeddingPlan => ({ ...base, reason, moves: [] });
    if (w.policy === 'critical') return keep('in its critical window: never moved');
    if (w.belowTarget > 0)
      return keep(`${w.belowTarget} files below their copy target: not touched until they are safe`);
    if (w.temperature === 'hot')
      return keep('still hot (changed, opened or restored lately): stays where it is');
    const groups = [...(byWedding.get(w.weddingId)?.values() ?? [])];
    if (groups.length === 0) return keep('nothing stored yet');
    let warm = new Set(groups.filter((g) => readableAtOnce(book, g.target, g.cls)).map((g) => g.target.name))
      .size;
    const candidates = groups
      .map((g) => bestMove(book, g.target, g.cls, g.replicas, w.temperature, nowMs))
      .filter((m): m is ClassMove => m !== undefined)
      .sort((a, b) => b.monthlySaving - a.monthlySaving);
    const moves: ClassMove[] = [];
    for (const m of candidates) {
      if (!m.readableAtOnce) {
        // This copy would stop being readable at once: only while enough others stay so.
        if (warm - 1 < warmNeeded) {
          const online = bestMove(
            book,
            targets.get(m.destination)!,
            m.from,
            groupOf(groups, m).replicas,
            w.temperature,
            nowMs,
            true,
          );
          if (online) moves.push(online);
          continue;
        }
        warm--;
      }
      moves.push(m);
    }
    if (moves.length === 0)
      return keep(`${w.temperature}, but no colder class pays for itself within ${PAYBACK_MONTHS} months`);
    return {
      ...base,
      reason: `${w.temperature}${w.policy === 'archive' ? ' and delivered' : ''}: colder classes`,
      moves,
    };
  });
}

function groupOf(groups: { target: CostTarget; cls: string; replicas: ClassedReplica[] }[], m: ClassMove) {
  return groups.find((g) => g.target.name === m.destination && g.cls === m.from)!;
}

/** The best allowed colder class for one group of copies, or undefined when none pays within 12 months. */
function bestMove(
  book: PriceBook,
  t: CostTarget,
  from: string,
  replicas: ClassedReplica[],
  temperature: Temperature,
  nowMs: number,
  onlineOnly = false,
): ClassMove | undefined {
  if (t.provider === 'local') return undefined;
  const current = classPrices(book, t.provider, from);
  if (!current) return undefined;
  const monthlyNow = monthlyAt(book, t, from, replicas, nowMs);
  const bytes = replicas.reduce((n, r) => n + r.bytes, 0);
  let best: ClassMove | undefined;
  let bestNet = 0;
  for (const [to, p] of Object.entries(current.table.classes)) {
    if (to === from || p.storagePerGBMonth >= current.prices.storagePerGBMonth) continue;
    const atOnce = readableAtOnce(book, t, to);
    if ((onlineOnly || temperature === 'cooling') && !atOnce) continue;
    if (temperature === 'cooling' && p.minStorageDays > COOLING_MAX_MIN_DAYS) continue;
    // Moved objects start the new class's minimum duration now.
    const moved = replicas.map((r) => ({ ...r, storedAtMs: nowMs }));
    const monthlyAfter = monthlyAt(book, t, to, moved, nowMs);
    const saving = monthlyNow - monthlyAfter;
    if (saving <= 0) continue;
    const requests = picoToMicros(toPico(p.putPer1000) * BigInt(replicas.length), 1000n);
    const earlyDeletion = replicas.reduce(
      (n, r) => n + (earlyDeletionCharge(r, nowMs, t.provider, from, book)?.charge ?? 0),
      0,
    );
    const oneTime = requests + earlyDeletion;
    const net = saving * PAYBACK_MONTHS - oneTime;
    if (net <= bestNet) continue;
    bestNet = net;
    best = {
      destination: t.name,
      from,
      to,
      objects: replicas.length,
      bytes,
      monthlyNow,
      monthlyAfter,
      monthlySaving: saving,
      oneTime: { requests, earlyDeletion, total: oneTime },
      breakEvenMonths: oneTime === 0 ? 0 : Math.ceil(oneTime / saving),
      retrievalAfter: retrievalEstimate(bytes, replicas.length, t.provider, to, 'standard', book).total,
      readableAtOnce: atOnce,
    };
  }
  return best;
}
