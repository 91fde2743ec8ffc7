/** The optimizer's plan for this home: what is stored (from the index), at list prices with overrides. */
import type { OptimizationPlan } from '../../../shared/model/optimize.js';
import { isoAt } from '../clock.js';
import type { Config } from '../config/schema.js';
import { monthlyCost, type CostTarget } from '../cost/model.js';
import { applyOverrides, parsePriceOverrides } from '../cost/overrides.js';
import { priceSources } from '../cost/report.js';
import { LIST_PRICES, type PriceBook, type PricedProvider } from '../cost/prices.js';
import { costTarget } from '../cost/targets.js';
import type { Store } from '../store/store.js';
import { optimizationPlan, type ClassedReplica, type PlanWedding } from './plan.js';

/** The monthly bill of `replicas` with each in the class `classOf` says (priced copies only). */
export function monthlyOfClassed(
  book: PriceBook,
  targets: readonly CostTarget[],
  replicas: readonly ClassedReplica[],
  nowMs: number,
  classOf: (t: CostTarget, r: ClassedReplica) => string,
): number {
  const byName = new Map(targets.map((t) => [t.name, t]));
  const classed = replicas.flatMap((r) => {
    const t = byName.get(r.destination);
    return t ? [{ ...r, storageClass: classOf(t, r) }] : [];
  });
  return monthlyCost({ destinations: targets, replicas: classed }, book, nowMs).total;
}

/** The plan for this home, with the naive, today and optimized monthly bills. */
export function optimizationReport(
  store: Store,
  config: Config & { priceOverrides?: unknown },
  weddings: readonly PlanWedding[],
  nowMs: number,
): OptimizationPlan {
  const overrides =
    config.priceOverrides === undefined ? undefined : parsePriceOverrides(config.priceOverrides);
  const { book, overridden } = applyOverrides(LIST_PRICES, overrides);
  const targets = config.destinations.map(costTarget);
  const replicas: ClassedReplica[] = [...store.objects.storedReplicas()];
  const plans = optimizationPlan({ weddings, targets, replicas, book, nowMs });
  const today = monthlyOfClassed(book, targets, replicas, nowMs, (t, r) => r.storageClass ?? t.storageClass);
  const naive = monthlyOfClassed(book, targets, replicas, nowMs, (t) =>
    t.provider === 'local' ? t.storageClass : (book[t.provider]?.standardClass ?? t.storageClass),
  );
  const moves = plans.flatMap((p) => p.moves);
  const monthlySaving = moves.reduce((n, m) => n + m.monthlySaving, 0);
  const used = new Set(targets.map((t) => t.provider).filter((p) => p !== 'local') as PricedProvider[]);
  const prices = priceSources(book, used, overridden);
  const unpriced = targets.filter((t) => t.provider === 'custom' && !book.custom).map((t) => t.name);
  return {
    generatedAt: isoAt(nowMs),
    weddings: plans,
    monthly: { naive, today, optimized: today - monthlySaving },
    monthlySaving,
    oneTime: moves.reduce((n, m) => n + m.oneTime.total, 0),
    prices,
    notes: [
      'List prices in USD, not your bill: volume discounts, taxes and free allowances are not taken into account.',
      'Naive: every copy in its provider’s hot class. Today: each copy in the class it is in now. Optimized: after this plan.',
      'Dropping extra copies is not proposed: Keepsake never deletes a stored copy yet.',
      ...(unpriced.length
        ? [
            `${unpriced.join(', ')}: an S3-compatible server without prices (set priceOverrides.custom to plan for it).`,
          ]
        : []),
    ],
  };
}
