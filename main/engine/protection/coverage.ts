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
    const holders = new Set(g.holders === '' ? [] : g.holders.split('\u001f'));
    const candidates = facts.facts(holders);
    const policy = planner.policyFor(g.weddingId, candidates);
    const ok = meets(needsOf(policy), planner.counted(candidates, policy));
    c.files += g.files;
    if (ok) c.met += g.files;
    else c.below += g.files;
  }
  return out;
}
