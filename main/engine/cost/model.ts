import type {
  ClassCost,
  CostBreakdown,
  CostProjection,
  CostProvider,
  DestinationCost,
  Micros,
  RetrievalEstimate,
  RetrievalSpeed,
} from '../../../shared/model/cost.js';
import type { DestinationKind } from '../../../shared/model/destination.js';
import { allocate, formatUsd, picoToMicros, toPico } from './money.js';
import { classPrices, type ClassPrices, type PriceBook, type ProviderPrices } from './prices.js';

/**
 * The cost model: pure functions from "what is stored where" and a price book to monthly charges,
 * retrieval estimates, early-deletion charges and projections. No I/O, no clock: `nowMs` is given.
 *
 * Rounding: each line (one component of one wedding at one destination) is computed as one exact
 * fraction of pico-dollars and rounded once, half up, to a micro-dollar; every total is the exact sum
 * of the lines under it, so weddings, destinations and classes always add up to the same total.
 */

const DAY_MS = 86_400_000;
/** Days in the month used to prorate day-based charges (AWS, GCS and Wasabi all use 30). */
const MONTH_DAYS = 30n;

/** One configured destination as the model sees it: whose prices, which class. */
export interface CostTarget {
  name: string;
  kind: DestinationKind;
  provider: CostProvider;
  storageClass: string;
  region: string | null;
}

/** One stored copy of one object: its size, when it was stored, and the wedding it is attributed to. */
export interface StoredReplica {
  destination: string;
  bytes: number;
  /** When it was stored, or moved to its class (whose minimum duration runs from then). */
  storedAtMs: number;
  weddingId: number | null;
  /** The class the optimizer moved it to, when not its destination's configured class. */
  storageClass?: string | null | undefined;
}

/** What is stored: the destinations and every stored replica (any iterable, e.g. a database cursor). */
export interface StoredSet {
  destinations: readonly CostTarget[];
  replicas: Iterable<StoredReplica>;
}

/** One wedding's share of one destination. */
export interface WeddingShare {
  objects: number;
  bytes: number;
  monthly: CostBreakdown;
}

/** A destination's cost with its per-wedding shares (the shares add up to `monthly` minus `unattributed`). */
export interface DestinationResult extends DestinationCost {
  byWedding: Map<number | null, WeddingShare>;
  /** Minimum charge at a destination that stores nothing, so no wedding can carry it. */
  unattributed: Micros;
}

/** The wedding totals over all destinations; `objects` and `bytes` count every copy. */
export interface WeddingTotal {
  weddingId: number | null;
  objects: number;
  bytes: number;
  monthly: Micros;
  byDestination: Record<string, Micros>;
}

/** Everything monthlyCost computes. */
export interface MonthlyCost {
  destinations: DestinationResult[];
  classes: ClassCost[];
  weddings: WeddingTotal[];
  unattributed: Micros;
  total: Micros;
  /** The same priced cloud copies all in S3 Standard (us-east-1 list price or its override). */
  baseline: Micros;
  /** Replicas at destinations that are no longer configured, which could not be priced. */
  unknownDestinations: { name: string; objects: number; bytes: number }[];
}

interface Group {
  objects: number;
  bytes: bigint;
  /** Sum over objects of max(size, minimum billable size). */
  padded: bigint;
  /** Sum over objects of billed bytes x days left of their minimum storage duration. */
  byteDaysLeft: bigint;
}

interface Agg {
  target: CostTarget;
  priced: { table: ProviderPrices; prices: ClassPrices } | undefined;
  groups: Map<number | null, Group>;
}

const zero = (): CostBreakdown => ({ storage: 0, objectOverhead: 0, minimum: 0, total: 0 });

function add(a: CostBreakdown, b: CostBreakdown): CostBreakdown {
  return {
    storage: a.storage + b.storage,
    objectOverhead: a.objectOverhead + b.objectOverhead,
    minimum: a.minimum + b.minimum,
    total: a.total + b.total,
  };
}

/**
 * The group a replica is billed in: its destination's, or for a copy the optimizer moved to another
 * class, a group of that destination in that class, shown as `S3 (DEEP_ARCHIVE)`.
 */
function aggOf(aggs: Map<string, Agg>, r: StoredReplica, prices: PriceBook): Agg | undefined {
  const a = aggs.get(r.destination);
  if (!a || !r.storageClass || r.storageClass === a.target.storageClass) return a;
  const name = `${r.destination} (${r.storageClass})`;
  let split = aggs.get(name);
  if (!split) {
    const target = { ...a.target, name, storageClass: r.storageClass };
    split = { target, priced: classPrices(prices, target.provider, target.storageClass), groups: new Map() };
    aggs.set(name, split);
  }
  return split;
}

/** Days of `minDays` still to run for an object stored at `storedAtMs`, seen at `atMs` (whole days stored). */
export function daysLeft(minDays: number, storedAtMs: number, atMs: number): number {
  const stored = Math.max(0, Math.floor((atMs - storedAtMs) / DAY_MS));
  return Math.max(0, minDays - stored);
}

/** Rates of one priced class as exact pico-dollar integers. */
function rates(p: { table: ProviderPrices; prices: ClassPrices }) {
  const std = p.table.classes[p.table.standardClass] ?? p.prices;
  return {
    gb: BigInt(p.table.bytesPerGB),
    rate: toPico(p.prices.storagePerGBMonth),
    stdRate: toPico(std.storagePerGBMonth),
    overhead: BigInt(p.prices.objectOverheadBytes),
    stdOverhead: BigInt(p.prices.objectOverheadStandardBytes),
  };
}

/** Billed bytes of a group before account minimums: padded sizes plus per-object overhead. */
function billed(g: { objects: number; padded: bigint }, p: ClassPrices): bigint {
  return g.padded + BigInt(g.objects) * BigInt(p.objectOverheadBytes + p.objectOverheadStandardBytes);
}

/**
 * Monthly cost of what is stored, per destination, per class and per wedding, at `prices`, as of
 * `nowMs` (which only matters for the early-deletion exposure). Local destinations cost 0: Keepsake
 * does not put a price on the user's own drives. Destinations without a price table (an S3-compatible
 * endpoint with no override) cost 0 and are flagged `priced: false`.
 *
 * Account minimums (Wasabi's 1 TB a month) are amortised: the shortfall is charged once per provider
 * and split over the weddings stored there in proportion to their billed bytes.
 */
export function monthlyCost(stored: StoredSet, prices: PriceBook, nowMs: number): MonthlyCost {
  const aggs = new Map<string, Agg>();
  for (const t of stored.destinations) {
    aggs.set(t.name, {
      target: t,
      priced: classPrices(prices, t.provider, t.storageClass),
      groups: new Map(),
    });
  }
  const unknown = new Map<string, { name: string; objects: number; bytes: number }>();

  for (const r of stored.replicas) {
    const a = aggOf(aggs, r, prices);
    if (!a) {
      const u = unknown.get(r.destination) ?? { name: r.destination, objects: 0, bytes: 0 };
      u.objects++;
      u.bytes += r.bytes;
      unknown.set(r.destination, u);
      continue;
    }
    let g = a.groups.get(r.weddingId);
    if (!g) a.groups.set(r.weddingId, (g = { objects: 0, bytes: 0n, padded: 0n, byteDaysLeft: 0n }));
    const p = a.priced?.prices;
    const padded = BigInt(Math.max(r.bytes, p?.minBillableObjectBytes ?? 0));
    g.objects++;
    g.bytes += BigInt(r.bytes);
    g.padded += padded;
    if (p && p.minStorageDays > 0) {
      g.byteDaysLeft +=
        (padded + BigInt(p.objectOverheadBytes)) * BigInt(daysLeft(p.minStorageDays, r.storedAtMs, nowMs));
    }
  }

  const destinations = [...aggs.values()].map((a) => destinationCost(a));
  applyMinimums(destinations, [...aggs.values()]);
  for (const d of destinations) {
    d.monthly = [...d.byWedding.values()].reduce((s, w) => add(s, w.monthly), zero());
    d.monthly.minimum += d.unattributed;
    d.monthly.total += d.unattributed;
  }

  const weddings = new Map<number | null, WeddingTotal>();
  for (const d of destinations) {
    for (const [id, share] of d.byWedding) {
      let w = weddings.get(id);
      if (!w) weddings.set(id, (w = { weddingId: id, objects: 0, bytes: 0, monthly: 0, byDestination: {} }));
      w.objects += share.objects;
      w.bytes += share.bytes;
      w.monthly += share.monthly.total;
      w.byDestination[d.name] = (w.byDestination[d.name] ?? 0) + share.monthly.total;
    }
  }

  const classes = new Map<string, ClassCost>();
  for (const d of destinations) {
    const key = `${d.provider}/${d.storageClass}`;
    const c = classes.get(key) ?? {
      provider: d.provider,
      storageClass: d.storageClass,
      destinations: [],
      objects: 0,
      bytes: 0,
      monthly: zero(),
    };
    c.destinations.push(d.name);
    c.objects += d.objects;
    c.bytes += d.bytes;
    c.monthly = add(c.monthly, d.monthly);
    classes.set(key, c);
  }

  return {
    destinations,
    classes: [...classes.values()],
    weddings: [...weddings.values()],
    unattributed: destinations.reduce((s, d) => s + d.unattributed, 0),
    total: destinations.reduce((s, d) => s + d.monthly.total, 0),
    baseline: baseline(destinations, prices),
    unknownDestinations: [...unknown.values()],
  };
}

/** Storage and per-object overhead of one destination, per wedding; minimums come after. */
function destinationCost(a: Agg): DestinationResult {
  const t = a.target;
  const byWedding = new Map<number | null, WeddingShare>();
  let objects = 0;
  let bytes = 0n;
  let billedBytes = 0n;
  let byteDaysLeft = 0n;
  for (const [id, g] of a.groups) {
    objects += g.objects;
    bytes += g.bytes;
    byteDaysLeft += g.byteDaysLeft;
    const monthly = zero();
    if (a.priced) {
      const r = rates(a.priced);
      billedBytes += billed(g, a.priced.prices);
      monthly.storage = picoToMicros(g.bytes * r.rate, r.gb);
      const n = BigInt(g.objects);
      monthly.objectOverhead = picoToMicros(
        (g.padded - g.bytes + n * r.overhead) * r.rate + n * r.stdOverhead * r.stdRate,
        r.gb,
      );
      monthly.total = monthly.storage + monthly.objectOverhead;
    } else {
      billedBytes += g.bytes;
    }
    byWedding.set(id, { objects: g.objects, bytes: Number(g.bytes), monthly });
  }
  const notes: string[] = [];
  if (t.provider === 'local') notes.push('a local disk: Keepsake puts no price on your own drives (cost 0)');
  else if (!a.priced)
    notes.push(
      t.provider === 'custom'
        ? 'an S3-compatible endpoint has no list price: add its prices under priceOverrides.custom (counted as 0)'
        : `no price known for ${t.provider} class ${t.storageClass} (counted as 0)`,
    );
  if (a.priced && t.provider === 'aws' && t.region && t.region !== a.priced.table.region)
    notes.push(`priced at ${a.priced.table.region} list prices; ${t.region} may differ`);
  const earlyDeletionExposure = a.priced
    ? picoToMicros(byteDaysLeft * rates(a.priced).rate, rates(a.priced).gb * MONTH_DAYS)
    : 0;
  return {
    name: t.name,
    kind: t.kind,
    provider: t.provider,
    storageClass: t.storageClass,
    region: t.region,
    priced: t.provider === 'local' || a.priced !== undefined,
    objects,
    bytes: Number(bytes),
    billedBytes: Number(billedBytes),
    monthly: zero(),
    earlyDeletionExposure,
    uploadRequests: a.priced ? picoToMicros(BigInt(objects) * toPico(a.priced.prices.putPer1000), 1000n) : 0,
    fullRestore:
      t.provider === 'local' || a.priced
        ? retrievalEstimate(
            Number(bytes),
            objects,
            t.provider,
            t.storageClass,
            'standard',
            a.priced ? { [a.priced.table.provider]: a.priced.table } : {},
          )
        : null,
    notes,
    byWedding,
    unattributed: 0,
  };
}

/**
 * Adds each provider's account minimum: if all its destinations together bill less than the minimum,
 * the shortfall at the provider's standard rate is split over every (destination, wedding) share by
 * billed bytes; with nothing stored at all it stays with the first destination, unattributed.
 */
function applyMinimums(destinations: DestinationResult[], aggs: Agg[]): void {
  const byProvider = new Map<ProviderPrices, { d: DestinationResult; a: Agg }[]>();
  aggs.forEach((a, i) => {
    if (!a.priced || a.priced.table.minMonthlyBytes <= 0) return;
    const list = byProvider.get(a.priced.table) ?? [];
    list.push({ d: destinations[i]!, a });
    byProvider.set(a.priced.table, list);
  });
  for (const [table, list] of byProvider) {
    const std = table.classes[table.standardClass] ?? list[0]!.a.priced!.prices;
    const shares: { share: WeddingShare; weight: bigint }[] = [];
    let active = 0n;
    for (const { d, a } of list) {
      for (const [id, g] of a.groups) {
        const weight = billed(g, a.priced!.prices);
        active += weight;
        shares.push({ share: d.byWedding.get(id)!, weight });
      }
    }
    const min = BigInt(table.minMonthlyBytes);
    if (active >= min) continue;
    const topUp = picoToMicros((min - active) * toPico(std.storagePerGBMonth), BigInt(table.bytesPerGB));
    list[0]!.d.notes.push(
      `less than the ${formatGB(table.minMonthlyBytes, table.bytesPerGB)} ${table.label} bills at minimum is stored: ${formatUsd(topUp)} a month pays for unused space`,
    );
    if (active === 0n) {
      list[0]!.d.unattributed += topUp;
      continue;
    }
    const parts = allocate(
      topUp,
      shares.map((s) => s.weight),
    );
    shares.forEach((s, i) => {
      s.share.monthly.minimum += parts[i]!;
      s.share.monthly.total += parts[i]!;
    });
  }
}

function formatGB(bytes: number, perGB: number): string {
  const gb = bytes / perGB;
  return gb >= 1024 && gb % 1024 === 0 ? `${gb / 1024} TB (${gb} GB)` : `${gb} GB`;
}

/** The priced cloud copies at the S3 Standard rate: no minimums, no per-object overhead. */
function baseline(destinations: DestinationResult[], book: PriceBook): Micros {
  const s3 = book.aws?.classes[book.aws.standardClass];
  if (!book.aws || !s3) return 0;
  let bytes = 0n;
  for (const d of destinations) if (d.provider !== 'local' && d.priced) bytes += BigInt(d.bytes);
  return picoToMicros(bytes * toPico(s3.storagePerGBMonth), BigInt(book.aws.bytesPerGB));
}

/** Monthly additions per destination, for projections of a growing archive. */
export type Growth = Record<string, { bytes: number; objects: number }>;

/**
 * Month-by-month cost for the next `months` months. Month i (0-based) holds what is stored now plus
 * `i` months of `growth` (default none: the steady state, every month equal to `cost.total`). Added
 * objects are assumed no smaller than any minimum billable size; account minimums shrink as they fill.
 */
export function project(
  cost: MonthlyCost,
  prices: PriceBook,
  months = 12,
  growth: Growth = {},
): CostProjection {
  const out: Micros[] = [];
  for (let i = 0; i < months; i++) {
    let total = cost.total;
    const filled = new Map<ProviderPrices, { active: bigint; before: Micros }>();
    for (const d of cost.destinations) {
      const p = classPrices(prices, d.provider, d.storageClass);
      if (!p) continue;
      const g = growth[d.name] ?? { bytes: 0, objects: 0 };
      const r = rates(p);
      const addBytes = BigInt(g.bytes) * BigInt(i);
      const addObjects = BigInt(g.objects) * BigInt(i);
      total += picoToMicros(addBytes * r.rate, r.gb);
      total += picoToMicros(addObjects * (r.overhead * r.rate + r.stdOverhead * r.stdRate), r.gb);
      if (p.table.minMonthlyBytes > 0) {
        const f = filled.get(p.table) ?? { active: 0n, before: 0 };
        f.active +=
          BigInt(d.billedBytes) +
          addBytes +
          addObjects * BigInt(p.prices.objectOverheadBytes + p.prices.objectOverheadStandardBytes);
        f.before += d.monthly.minimum;
        filled.set(p.table, f);
      }
    }
    for (const [table, f] of filled) {
      const std = table.classes[table.standardClass];
      const min = BigInt(table.minMonthlyBytes);
      const after =
        std && f.active < min
          ? picoToMicros((min - f.active) * toPico(std.storagePerGBMonth), BigInt(table.bytesPerGB))
          : 0;
      total += after - f.before;
    }
    out.push(total);
  }
  return { months: out, total: out.reduce((a, b) => a + b, 0) };
}

/** The default number of days a restored S3 Glacier copy is kept (what `keepsake restore` asks for). */
export const RESTORE_COPY_DAYS = 7;

/**
 * What getting `bytes` in `objects` objects back from `provider`/`storageClass` at `speed` costs:
 * retrieval fee, restore and GET requests, internet egress beyond any free allowance (`storedBytes`:
 * what is stored at the provider, default `bytes`), and for S3 Glacier the temporary restored copy
 * kept `days` days at the Standard rate. Local: 0. With no price for the provider or class, all 0
 * and a note saying so.
 */
export function retrievalEstimate(
  bytes: number,
  objects: number,
  provider: CostProvider,
  storageClass: string,
  speed: RetrievalSpeed,
  prices: PriceBook,
  opts: { storedBytes?: number; days?: number } = {},
): RetrievalEstimate {
  const base: RetrievalEstimate = {
    provider,
    storageClass,
    speed,
    bytes,
    objects,
    retrieval: 0,
    requests: 0,
    egress: 0,
    temporaryCopy: 0,
    total: 0,
    waitMinutes: { min: 0, max: 0 },
    notes: [],
  };
  if (provider === 'local') return { ...base, notes: ['a local disk: no charge'] };
  const p = classPrices(prices, provider, storageClass);
  if (!p) return { ...base, notes: ['no price known: counted as 0'] };
  const { table: t, prices: c } = p;
  const gb = BigInt(t.bytesPerGB);
  const sp = c.retrieval[speed];
  const b = BigInt(bytes);
  const n = BigInt(objects);
  const free = BigInt(t.freeEgressRatio) * BigInt(opts.storedBytes ?? bytes);
  const charged = b > free ? b - free : 0n;
  const std = t.classes[t.standardClass] ?? c;
  const days = BigInt(opts.days ?? RESTORE_COPY_DAYS);
  const e: RetrievalEstimate = {
    ...base,
    retrieval: picoToMicros(b * toPico(sp.perGB), gb),
    requests: picoToMicros(n * (toPico(sp.requestsPer1000) + toPico(c.getPer1000)), 1000n),
    egress: picoToMicros(charged * toPico(t.egressPerGB), gb),
    temporaryCopy: c.restoreMakesTemporaryCopy
      ? picoToMicros(b * toPico(std.storagePerGBMonth) * days, gb * MONTH_DAYS)
      : 0,
    waitMinutes: { ...sp.waitMinutes },
  };
  e.total = e.retrieval + e.requests + e.egress + e.temporaryCopy;
  if (provider === 'aws' && storageClass === 'DEEP_ARCHIVE' && speed === 'fast')
    e.notes.push('Deep Archive has no expedited retrieval: standard is used');
  if (provider === 'azure' && storageClass === 'Archive')
    e.notes.push(
      'a rehydrated blob stays in the Hot tier (billed at Hot rates) until moved back; leaving Archive within 180 days adds an early-deletion charge',
    );
  if (charged < b && t.freeEgressRatio > 0)
    e.notes.push(`egress is free up to ${t.freeEgressRatio}x the data stored each month`);
  return e;
}

/**
 * The early-deletion charge for deleting (or moving out of its class) one object stored at
 * `storedAtMs`, at `deletedAtMs`: the days of the class's minimum storage duration still to run, at
 * the class's rate on the object's billed size (padded, plus its per-object overhead at the class
 * rate), prorated over a 30-day month. Undefined when the provider or class has no price.
 */
export function earlyDeletionCharge(
  object: { bytes: number; storedAtMs: number },
  deletedAtMs: number,
  provider: CostProvider,
  storageClass: string,
  prices: PriceBook,
): { daysCharged: number; charge: Micros } | undefined {
  if (provider === 'local') return { daysCharged: 0, charge: 0 };
  const p = classPrices(prices, provider, storageClass);
  if (!p) return undefined;
  const days = daysLeft(p.prices.minStorageDays, object.storedAtMs, deletedAtMs);
  const size = BigInt(Math.max(object.bytes, p.prices.minBillableObjectBytes) + p.prices.objectOverheadBytes);
  const r = rates(p);
  return { daysCharged: days, charge: picoToMicros(size * BigInt(days) * r.rate, r.gb * MONTH_DAYS) };
}
