import type { CostReport, PriceSource, WeddingCost } from '../../../shared/model/cost.js';
import { isoAt } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { monthlyCost, project, type StoredReplica, type WeddingTotal } from './model.js';
import { applyOverrides, parsePriceOverrides, type PriceOverrides } from './overrides.js';
import { LIST_PRICES, type PriceBook, type PricedProvider } from './prices.js';
import { costTarget } from './targets.js';

/** How a content object shared by several weddings is charged; shown with every report. */
export const ATTRIBUTION =
  'A file content stored once but used by several weddings (the same photo in two galleries) is charged in ' +
  'full to the wedding whose file Keepsake indexed first, preferring a wedding over unassigned files: storing ' +
  'it cost nothing more for the others, so they are charged nothing for it. Every stored copy is charged exactly once.';

const BASELINE =
  'The same cloud copies (every byte at a priced, non-local destination) all in Amazon S3 Standard at its ' +
  'us-east-1 list price, without per-object overhead or minimums; copies on local disks stay free.';

/** Where each used provider's prices come from, and whether the user's overrides changed them. */
export function priceSources(
  book: PriceBook,
  used: Iterable<PricedProvider>,
  overridden: ReadonlySet<PricedProvider>,
): PriceSource[] {
  return [...used].flatMap((p) => {
    const t = book[p];
    return t
      ? [
          {
            provider: p,
            label: t.label,
            region: t.region,
            asOf: t.asOf,
            source: t.source,
            overridden: overridden.has(p),
          },
        ]
      : [];
  });
}

/**
 * Stored replicas as the cost model reads them: only replicas in state `stored`, each with its
 * object's size and the wedding it is attributed to (see ATTRIBUTION), read lazily from the database.
 */
export function storedReplicas(store: Store): Iterable<StoredReplica> {
  return store.objects.storedReplicas();
}

/**
 * The cost report for what is actually stored now: per wedding, per destination and per class, the
 * total, the steady-state 12-month projection and the all-in-S3-Standard baseline, at list prices with
 * the user's overrides (`opts.overrides`, else the config's `priceOverrides`) laid over them.
 */
export function costReport(
  store: Store,
  config: Config & { priceOverrides?: unknown },
  nowMs: number,
  opts: { overrides?: PriceOverrides } = {},
): CostReport {
  const overrides =
    opts.overrides ??
    (config.priceOverrides === undefined ? undefined : parsePriceOverrides(config.priceOverrides));
  const { book, overridden } = applyOverrides(LIST_PRICES, overrides);
  const targets = config.destinations.map(costTarget);
  const cost = monthlyCost({ destinations: targets, replicas: storedReplicas(store) }, book, nowMs);

  const known = store.weddings.list();
  const byId = new Map(cost.weddings.map((w) => [w.weddingId, w]));
  const entry = (wedding: WeddingCost['wedding'], c: WeddingTotal | undefined): WeddingCost => ({
    wedding,
    objects: c?.objects ?? 0,
    bytes: c?.bytes ?? 0,
    monthly: c?.monthly ?? 0,
    byDestination: c?.byDestination ?? {},
  });
  const weddings = known.map((w) =>
    entry({ id: w.id, slug: w.slug, couple: w.couple, date: w.date }, byId.get(w.id)),
  );
  const unassigned = byId.get(null);
  if (unassigned) weddings.push(entry(null, unassigned));
  // A wedding id the weddings table no longer has (the foreign key prevents it, but a report must
  // never lose money): listed without its name.
  for (const w of cost.weddings)
    if (w.weddingId !== null && !known.some((k) => k.id === w.weddingId))
      weddings.push(entry({ id: w.weddingId, slug: `wedding-${w.weddingId}`, couple: '?', date: null }, w));

  const used = new Set(targets.map((t) => t.provider).filter((p) => p !== 'local') as PricedProvider[]);
  used.add('aws'); // the baseline is priced from the S3 table
  const prices = priceSources(book, used, overridden);

  const notes = [
    'List prices in USD, not your bill: volume discounts, taxes and free allowances are not taken into account.',
    ...[...used].flatMap((p) => (targets.some((t) => t.provider === p) ? (book[p]?.notes ?? []) : [])),
    ...[...overridden].map((p) => `Prices for ${book[p]?.label ?? p} include your overrides.`),
    ...cost.unknownDestinations.map(
      (u) =>
        `${u.objects} object(s) (${u.bytes} bytes) are stored at "${u.name}", which is no longer configured: not costed.`,
    ),
  ];

  const projection = project(cost, book, 12);
  const baselineMonths = Array.from({ length: 12 }, () => cost.baseline);
  return {
    generatedAt: isoAt(nowMs),
    currency: 'USD',
    weddings,
    destinations: cost.destinations.map(({ byWedding: _w, unattributed: _u, ...d }) => d),
    classes: cost.classes,
    unattributed: cost.unattributed,
    monthlyTotal: cost.total,
    projection,
    baseline: {
      description: BASELINE,
      monthly: cost.baseline,
      projection: { months: baselineMonths, total: cost.baseline * 12 },
      monthlySaving: cost.baseline - cost.total,
    },
    prices,
    attribution: ATTRIBUTION,
    notes,
  };
}
