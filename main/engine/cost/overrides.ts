import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { isPicoExact } from './money.js';
import {
  freeClass,
  PROVIDER_CLASSES,
  type ClassPrices,
  type PriceBook,
  type PricedProvider,
  type ProviderPrices,
  type SpeedPrices,
} from './prices.js';

/**
 * The user's price overrides: any figure of any table, for a negotiated rate, a newer list price, or
 * a price for an S3-compatible endpoint (`custom`), which has no list price. Kept as a JSON object in
 * the config (key `priceOverrides`); only the figures given change, everything else stays the list price.
 *
 *   { "aws": { "classes": { "DEEP_ARCHIVE": { "storagePerGBMonth": 0.0009 } } },
 *     "custom": { "label": "Studio NAS", "classes": { "STANDARD": { "storagePerGBMonth": 0 } } } }
 */

const usd = z
  .number()
  .finite()
  .nonnegative('a price of 0 or more')
  .refine(isPicoExact, 'a price with at most 12 decimal places');
const count = z.number().int('a whole number').nonnegative('0 or more');

const speedOverride = z
  .strictObject({
    perGB: usd,
    requestsPer1000: usd,
    waitMinutes: z.strictObject({ min: count, max: count }).partial(),
  })
  .partial();

const classOverride = z
  .strictObject({
    storagePerGBMonth: usd,
    minStorageDays: count,
    minBillableObjectBytes: count,
    objectOverheadBytes: count,
    objectOverheadStandardBytes: count,
    putPer1000: usd,
    getPer1000: usd,
    retrieval: z
      .strictObject({ fast: speedOverride, standard: speedOverride, bulk: speedOverride })
      .partial(),
    restoreMakesTemporaryCopy: z.boolean(),
  })
  .partial();

const providerOverride = z
  .strictObject({
    label: z.string().min(1),
    region: z.string().min(1),
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
    source: z.string().min(1),
    bytesPerGB: z.union([z.literal(1_000_000_000), z.literal(2 ** 30)], {
      message: 'either 1000000000 (decimal GB) or 1073741824 (GiB)',
    }),
    egressPerGB: usd,
    freeEgressRatio: count.max(100),
    minMonthlyBytes: count,
    classes: z.record(z.string(), classOverride),
  })
  .partial();

/** The zod schema of the `priceOverrides` config object, checked against the known class names. */
export const priceOverridesSchema = z
  .strictObject({
    aws: providerOverride,
    gcs: providerOverride,
    azure: providerOverride,
    b2: providerOverride,
    wasabi: providerOverride,
    custom: providerOverride,
  })
  .partial()
  .superRefine((o, ctx) => {
    for (const [provider, table] of Object.entries(o) as [
      PricedProvider,
      z.infer<typeof providerOverride>,
    ][]) {
      const known = PROVIDER_CLASSES[provider];
      for (const name of Object.keys(table.classes ?? {})) {
        if (!known.includes(name)) {
          ctx.addIssue({
            code: 'custom',
            path: [provider, 'classes', name],
            message: `not a ${provider} storage class (expected one of ${known.join(', ')})`,
          });
        }
      }
    }
    if (o.custom && o.custom.classes?.STANDARD?.storagePerGBMonth === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['custom', 'classes', 'STANDARD', 'storagePerGBMonth'],
        message: 'an S3-compatible endpoint has no list price: give at least its storage price per GB-month',
      });
    }
  });

/** Price overrides as the config holds them. */
export type PriceOverrides = z.infer<typeof priceOverridesSchema>;

/** Validates overrides read from JSON, reporting the first bad keys the way config errors are reported. */
export function parsePriceOverrides(json: unknown, where = 'priceOverrides'): PriceOverrides {
  const parsed = priceOverridesSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.slice(0, 5).map((i) => `  ${[where, ...i.path].join('.')}: ${i.message}`);
  throw new ConfigError(`The price overrides are not valid:\n${lines.join('\n')}`);
}

/** The base an override of `custom` starts from: no fees at all until the user gives them. */
function customBase(): ProviderPrices {
  return {
    provider: 'custom',
    label: 'S3-compatible server',
    region: 'custom',
    asOf: 'user',
    source: 'price override',
    bytesPerGB: 2 ** 30,
    egressPerGB: 0,
    freeEgressRatio: 0,
    minMonthlyBytes: 0,
    standardClass: 'STANDARD',
    classes: {},
    notes: [],
  };
}

function mergeSpeed(base: SpeedPrices, o: z.infer<typeof speedOverride> | undefined): SpeedPrices {
  if (!o) return base;
  return {
    perGB: o.perGB ?? base.perGB,
    requestsPer1000: o.requestsPer1000 ?? base.requestsPer1000,
    waitMinutes: { ...base.waitMinutes, ...o.waitMinutes },
  };
}

function mergeClass(base: ClassPrices, o: z.infer<typeof classOverride>): ClassPrices {
  const { retrieval, ...flat } = o;
  return {
    ...base,
    ...flat,
    retrieval: {
      fast: mergeSpeed(base.retrieval.fast, retrieval?.fast),
      standard: mergeSpeed(base.retrieval.standard, retrieval?.standard),
      bulk: mergeSpeed(base.retrieval.bulk, retrieval?.bulk),
    },
  };
}

/**
 * The list prices with the user's overrides laid over them (a new book; `base` is not changed), and
 * which providers were changed, so every report can say the figures are no longer list prices.
 */
export function applyOverrides(
  base: Readonly<PriceBook>,
  overrides: PriceOverrides | undefined,
): { book: PriceBook; overridden: Set<PricedProvider> } {
  const book: PriceBook = { ...base };
  const overridden = new Set<PricedProvider>();
  for (const [provider, o] of Object.entries(overrides ?? {}) as [
    PricedProvider,
    z.infer<typeof providerOverride>,
  ][]) {
    const from = base[provider] ?? customBase();
    const { classes, ...flat } = o;
    const merged: ProviderPrices = { ...from, ...flat, classes: { ...from.classes } };
    for (const [name, c] of Object.entries(classes ?? {}))
      merged.classes[name] = mergeClass(from.classes[name] ?? freeClass(), c);
    book[provider] = merged;
    overridden.add(provider);
  }
  return { book, overridden };
}
