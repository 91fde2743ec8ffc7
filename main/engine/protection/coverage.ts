import { meets, needsOf } from '../placement/needs.js';
import type { Store } from '../store/store.js';
import type { DestinationFactsSource } from './destination-facts.js';
import type { Planner } from './planner.js';

/** How many of one wedding's live files meet its policy now. */
export interface WeddingCoverage {
  weddingId: number | null;
  files: number;
  /**
   * Files that are protected: their restorable, usable copies meet the policy and (unless laptop
   * copies count) one of them is off the laptop's disk.
   */
  met: number;
  /** Files below target: too few restorable copies, copies only on destinations that are down, or none yet. */
  below: number;
  /** Files below target only because every restorable copy is on the laptop's own disk. */
  laptopOnly: number;
}

/** The rule for copies on the laptop's disk (config protection.laptopCounts). */
export interface LaptopRule {
  laptopCounts: boolean;
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
  rule: LaptopRule = { laptopCounts: false },
): Map<number | null, WeddingCoverage> {
  const out = new Map<number | null, WeddingCoverage>();
  for (const g of store.status.holderSets(weddings)) {
    const c = out.get(g.weddingId) ?? { weddingId: g.weddingId, files: 0, met: 0, below: 0, laptopOnly: 0 };
    out.set(g.weddingId, c);
    c.files += g.files;
    const r = holdersReach(planner, facts, g.weddingId, g.holders);
    if (r.meets && (r.offLaptop || rule.laptopCounts)) c.met += g.files;
    else {
      c.below += g.files;
      if (r.counted > 0 && !r.offLaptop) c.laptopOnly += g.files;
    }
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
  return holdersReach(planner, facts, weddingId, holders).meets;
}

/**
 * What copies on `holders` reach now: whether they meet the wedding's policy, how many count, and
 * whether one that counts is off the laptop's disk (a cloud, or a folder on another device).
 */
function holdersReach(
  planner: Planner,
  facts: DestinationFactsSource,
  weddingId: number | null,
  holders: string,
): { meets: boolean; counted: number; offLaptop: boolean } {
  const candidates = facts.facts(new Set(holders === '' ? [] : holders.split('\u001f')));
  const policy = planner.policyFor(weddingId, candidates);
  const counted = planner.counted(candidates, policy);
  return {
    meets: meets(needsOf(policy), counted),
    counted: counted.length,
    offLaptop: counted.some((c) => !c.local),
  };
}
