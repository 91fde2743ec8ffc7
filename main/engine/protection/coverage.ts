import { meets, needsOf } from '../placement/needs.js';
import type { Store } from '../store/store.js';
import type { DestinationFactsSource } from './destination-facts.js';
import type { Planner } from './planner.js';

/** How many of one wedding's live files meet its policy now. */
export interface WeddingCoverage {
  weddingId: number | null;
  files: number;
  /** Files whose stored, usable copies meet the policy. */
  met: number;
  /** Files below target: too few copies, copies only on destinations that are down, or none yet. */
  below: number;
}

/**
 * Each wedding's coverage now (only `weddings` when given): its files grouped by the destinations
 * holding their content, each group checked against the wedding's policy with live health, so a
 * destination going down shows at once as weddings below target.
 */
export function weddingCoverage(
  store: Store,
  planner: Planner,
  facts: DestinationFactsSource,
  weddings?: readonly (number | null)[],
): Map<number | null, WeddingCoverage> {
  const out = new Map<number | null, WeddingCoverage>();
  for (const g of store.status.holderSets(weddings)) {
    const c = out.get(g.weddingId) ?? { weddingId: g.weddingId, files: 0, met: 0, below: 0 };
    out.set(g.weddingId, c);
    c.files += g.files;
    if (holdersMeet(planner, facts, g.weddingId, g.holders)) c.met += g.files;
    else c.below += g.files;
  }
  return out;
}

/**
 * The protected files whose stored copies no longer meet their wedding's policy (a destination removed,
 * disabled or down, a stricter policy), found with one query and one check per wedding and holder set
 * rather than one per file: what start-up queues again.
 */
export function protectedBelowTarget(
  store: Store,
  planner: Planner,
  facts: DestinationFactsSource,
): { id: number; weddingId: number | null }[] {
  const checked = new Map<string, boolean>();
  const below: { id: number; weddingId: number | null }[] = [];
  for (const f of store.status.protectedHolders()) {
    const key = `${f.weddingId}\u001e${f.holders}`;
    let ok = checked.get(key);
    if (ok === undefined) checked.set(key, (ok = holdersMeet(planner, facts, f.weddingId, f.holders)));
    if (!ok) below.push({ id: f.fileId, weddingId: f.weddingId });
  }
  return below;
}

/** Whether content held by `holders` (as `holderSets` gives them) meets the wedding's policy now. */
function holdersMeet(
  planner: Planner,
  facts: DestinationFactsSource,
  weddingId: number | null,
  holders: string,
): boolean {
  const candidates = facts.facts(new Set(holders === '' ? [] : holders.split('\u001f')));
  const policy = planner.policyFor(weddingId, candidates);
  return meets(needsOf(policy), planner.counted(candidates, policy));
}
