import type { CostProvider, RetrievalSpeed } from '../../../shared/model/cost.js';

/**
 * List prices of every provider and storage class Keepsake can write to, as data.
 *
 * These are the providers' public LIST prices in USD for their base region (AWS us-east-1, GCS
 * us-east1, Azure East US LRS, Backblaze B2 and Wasabi's single US/EU rate), as published in 2025.
 * They are not what any particular account pays: volume tiers beyond the first (S3 drops after 50 TB),
 * negotiated discounts, taxes and free allowances (AWS's 100 GB of egress a month, B2's first 10 GB
 * and 2,500 free daily calls, GCS's always-free tier) are not modelled, so the figures are an upper
 * bound for a small studio. Prices change: every table carries `asOf` and `source`, and the user can
 * override any figure (overrides.ts) without waiting for a Keepsake release.
 *
 * Units: money in USD (converted to exact integer pico-dollars by money.ts before any arithmetic);
 * a "GB" is the provider's billing gigabyte, `bytesPerGB` (2^30 for AWS, GCS, Azure and Wasabi,
 * 10^9 for Backblaze); request prices per 1,000 requests; a month is 30 days when a charge is prorated
 * by days (minimum storage durations), as AWS, GCS and Wasabi do in their examples.
 */

/** Providers that have a price table (a local disk costs nothing to Keepsake). */
export type PricedProvider = Exclude<CostProvider, 'local'>;

/** Getting data back at one speed: a per-GB fee, a per-request fee and how long it takes. */
export interface SpeedPrices {
  perGB: number;
  /** Restore / rehydrate request fee per 1,000 objects (the GET that then reads it is `getPer1000`). */
  requestsPer1000: number;
  waitMinutes: { min: number; max: number };
}

/** The prices of one storage class. */
export interface ClassPrices {
  storagePerGBMonth: number;
  /** Objects deleted (or moved) sooner are charged the remaining days anyway; 0 = no minimum. */
  minStorageDays: number;
  /** Smaller objects are billed as this size (S3 Standard-IA and Glacier IR: 128 KiB); 0 = none. */
  minBillableObjectBytes: number;
  /** Extra bytes billed per object at this class's rate (S3 Glacier / Deep Archive: 32 KiB of index). */
  objectOverheadBytes: number;
  /** Extra bytes billed per object at the provider's standard class rate (S3 Glacier: 8 KiB of metadata). */
  objectOverheadStandardBytes: number;
  /** PUT / COPY / POST / LIST requests (GCS Class A, Azure write operations), per 1,000. */
  putPer1000: number;
  /** GET / HEAD requests (GCS Class B, Azure read operations), per 1,000. */
  getPer1000: number;
  retrieval: Record<RetrievalSpeed, SpeedPrices>;
  /** A restore makes a temporary copy billed at the standard class rate for the days asked (S3 Glacier). */
  restoreMakesTemporaryCopy: boolean;
}

/** One provider's price table. */
export interface ProviderPrices {
  provider: PricedProvider;
  label: string;
  /** The region (or location) these prices are for. */
  region: string;
  /** When the prices were taken, YYYY-MM-DD. */
  asOf: string;
  /** The provider's pricing page. */
  source: string;
  /** Bytes in the provider's billing "GB". */
  bytesPerGB: number;
  /** Internet egress per GB (first volume tier). */
  egressPerGB: number;
  /** Egress is free up to this multiple of the bytes stored, per month (B2: 3; Wasabi: 1; others 0). */
  freeEgressRatio: number;
  /** The account is billed for at least this many bytes each month (Wasabi: 1 TB = 1024 GB); 0 = none. */
  minMonthlyBytes: number;
  /** The class used when a destination names none, and whose rate bills `objectOverheadStandardBytes`. */
  standardClass: string;
  classes: Record<string, ClassPrices>;
  /** Caveats shown with every report that uses this table. */
  notes: string[];
}

/** Price tables by provider; a provider without a table (`custom`, unless overridden) is unpriced. */
export type PriceBook = Partial<Record<PricedProvider, ProviderPrices>>;

const KiB = 1024;
const GiB = 2 ** 30;
const HOUR = 60;

/** An online class: readable at once, the same retrieval fee at every speed. */
function online(perGB: number): Record<RetrievalSpeed, SpeedPrices> {
  const s = { perGB, requestsPer1000: 0, waitMinutes: { min: 0, max: 0 } };
  return { fast: s, standard: s, bulk: s };
}

/** A class with no fees at all: the base an override of an unpriced provider (`custom`) fills in. */
export function freeClass(): ClassPrices {
  return cls({ storagePerGBMonth: 0, putPer1000: 0, getPer1000: 0 });
}

function cls(
  p: Partial<ClassPrices> & Pick<ClassPrices, 'storagePerGBMonth' | 'putPer1000' | 'getPer1000'>,
): ClassPrices {
  return {
    minStorageDays: 0,
    minBillableObjectBytes: 0,
    objectOverheadBytes: 0,
    objectOverheadStandardBytes: 0,
    retrieval: online(0),
    restoreMakesTemporaryCopy: false,
    ...p,
  };
}

/**
 * Amazon S3, us-east-1. Storage is the first 50 TB tier. Checked against third-party transcriptions
 * of https://aws.amazon.com/s3/pricing/ (2026 guides quoting the same us-east-1 rates), the S3 storage
 * class guide (128 KB minimum billable size for Standard-IA and Glacier IR; 40 KB per archived object,
 * 8 KB of it at the Standard rate) and AWS's knowledge-center example of restore request charges
 * ($0.05 per 1,000 Standard, $10 per 1,000 Expedited). Egress: first 10 TB tier; 100 GB a month free
 * per account, not deducted here.
 */
const aws: ProviderPrices = {
  provider: 'aws',
  label: 'Amazon S3',
  region: 'us-east-1',
  asOf: '2025-06-01',
  source: 'https://aws.amazon.com/s3/pricing/',
  bytesPerGB: GiB,
  egressPerGB: 0.09,
  freeEgressRatio: 0,
  minMonthlyBytes: 0,
  standardClass: 'STANDARD',
  classes: {
    STANDARD: cls({ storagePerGBMonth: 0.023, putPer1000: 0.005, getPer1000: 0.0004 }),
    STANDARD_IA: cls({
      storagePerGBMonth: 0.0125,
      minStorageDays: 30,
      minBillableObjectBytes: 128 * KiB,
      putPer1000: 0.01,
      getPer1000: 0.001,
      retrieval: online(0.01),
    }),
    GLACIER_IR: cls({
      storagePerGBMonth: 0.004,
      minStorageDays: 90,
      minBillableObjectBytes: 128 * KiB,
      putPer1000: 0.02,
      getPer1000: 0.01,
      retrieval: online(0.03),
    }),
    GLACIER: cls({
      storagePerGBMonth: 0.0036,
      minStorageDays: 90,
      objectOverheadBytes: 32 * KiB,
      objectOverheadStandardBytes: 8 * KiB,
      putPer1000: 0.03,
      getPer1000: 0.0004,
      retrieval: {
        fast: { perGB: 0.03, requestsPer1000: 10, waitMinutes: { min: 1, max: 5 } },
        standard: { perGB: 0.01, requestsPer1000: 0.05, waitMinutes: { min: 3 * HOUR, max: 5 * HOUR } },
        bulk: { perGB: 0, requestsPer1000: 0, waitMinutes: { min: 5 * HOUR, max: 12 * HOUR } },
      },
      restoreMakesTemporaryCopy: true,
    }),
    DEEP_ARCHIVE: cls({
      storagePerGBMonth: 0.00099,
      minStorageDays: 180,
      objectOverheadBytes: 32 * KiB,
      objectOverheadStandardBytes: 8 * KiB,
      putPer1000: 0.05,
      getPer1000: 0.0004,
      // Expedited is not offered for Deep Archive: Keepsake's `fast` asks for Standard there.
      retrieval: {
        fast: { perGB: 0.02, requestsPer1000: 0.1, waitMinutes: { min: 0, max: 12 * HOUR } },
        standard: { perGB: 0.02, requestsPer1000: 0.1, waitMinutes: { min: 0, max: 12 * HOUR } },
        bulk: { perGB: 0.0025, requestsPer1000: 0.025, waitMinutes: { min: 0, max: 48 * HOUR } },
      },
      restoreMakesTemporaryCopy: true,
    }),
  },
  notes: [],
};

/**
 * Google Cloud Storage, regional us-east1 (us-central1 is the same). Storage rates match the per
 * GiB-hour figures on https://cloud.google.com/storage/pricing (e.g. $0.000027397 x 730 h = $0.020);
 * Standard Class A $0.005 and Class B $0.0004 per 1,000 and $0.12/GB egress match the worked example on
 * https://cloud.google.com/storage/pricing-examples; retrieval fees (Nearline $0.01, Coldline $0.02,
 * Archive $0.05 per GB) and minimum durations (30/90/365 days) match the pricing and storage-class
 * pages. Every class, Archive included, is readable at once.
 */
const gcs: ProviderPrices = {
  provider: 'gcs',
  label: 'Google Cloud Storage',
  region: 'us-east1',
  asOf: '2025-06-01',
  source: 'https://cloud.google.com/storage/pricing',
  bytesPerGB: GiB,
  egressPerGB: 0.12,
  freeEgressRatio: 0,
  minMonthlyBytes: 0,
  standardClass: 'STANDARD',
  classes: {
    STANDARD: cls({ storagePerGBMonth: 0.02, putPer1000: 0.005, getPer1000: 0.0004 }),
    NEARLINE: cls({
      storagePerGBMonth: 0.01,
      minStorageDays: 30,
      putPer1000: 0.01,
      getPer1000: 0.001,
      retrieval: online(0.01),
    }),
    COLDLINE: cls({
      storagePerGBMonth: 0.004,
      minStorageDays: 90,
      putPer1000: 0.02,
      getPer1000: 0.01,
      retrieval: online(0.02),
    }),
    ARCHIVE: cls({
      storagePerGBMonth: 0.0012,
      minStorageDays: 365,
      putPer1000: 0.05,
      getPer1000: 0.05,
      retrieval: online(0.05),
    }),
  },
  notes: [],
};

/**
 * Azure Blob Storage, East US, LRS, general-purpose v2 (flat namespace), first 50 TB tier. The
 * minimum durations (Cool 30, Cold 90, Archive 180 days) and rehydration times (High priority under
 * an hour, Standard up to 15 hours) are from Microsoft's documentation; Archive's $0.022/GB retrieval
 * and $5.50 per 10,000 reads are from Microsoft's archive cost example; the egress rate ($0.087/GB
 * after 100 GB free) from third-party transcriptions of the bandwidth page. The other figures (notably
 * the High-priority rehydration price) could not be re-checked against a stored copy of
 * https://azure.microsoft.com/pricing/details/storage/blobs/ and should be confirmed or overridden.
 */
const azure: ProviderPrices = {
  provider: 'azure',
  label: 'Azure Blob Storage',
  region: 'eastus (LRS)',
  asOf: '2025-06-01',
  source: 'https://azure.microsoft.com/pricing/details/storage/blobs/',
  bytesPerGB: GiB,
  egressPerGB: 0.087,
  freeEgressRatio: 0,
  minMonthlyBytes: 0,
  standardClass: 'Hot',
  classes: {
    Hot: cls({ storagePerGBMonth: 0.018, putPer1000: 0.0055, getPer1000: 0.00044 }),
    Cool: cls({
      storagePerGBMonth: 0.01,
      minStorageDays: 30,
      putPer1000: 0.01,
      getPer1000: 0.001,
      retrieval: online(0.01),
    }),
    Cold: cls({
      storagePerGBMonth: 0.0036,
      minStorageDays: 90,
      putPer1000: 0.018,
      getPer1000: 0.01,
      retrieval: online(0.03),
    }),
    // Rehydration moves the blob to Hot (Set Blob Tier), where it is then read at Hot read prices.
    Archive: cls({
      storagePerGBMonth: 0.00099,
      minStorageDays: 180,
      putPer1000: 0.011,
      getPer1000: 0.00044,
      retrieval: {
        fast: { perGB: 0.1, requestsPer1000: 6, waitMinutes: { min: 0, max: 1 * HOUR } },
        standard: { perGB: 0.022, requestsPer1000: 0.55, waitMinutes: { min: 0, max: 15 * HOUR } },
        bulk: { perGB: 0.022, requestsPer1000: 0.55, waitMinutes: { min: 0, max: 15 * HOUR } },
      },
    }),
  },
  notes: [
    'Azure prices are East US LRS list prices; some (High-priority rehydration in particular) are unverified: check them or set an override.',
  ],
};

/**
 * Backblaze B2 pay-as-you-go: $6 per TB-month (decimal TB) since October 2023; uploads (Class A) free;
 * downloads (Class B) $0.004 per 10,000 after 2,500 free a day (https://www.backblaze.com/b2/b2-transactions-price.html);
 * egress free up to 3x the average data stored, then $0.01/GB. No minimum duration, no minimum size.
 */
const b2: ProviderPrices = {
  provider: 'b2',
  label: 'Backblaze B2',
  region: 'any',
  asOf: '2025-06-01',
  source: 'https://www.backblaze.com/cloud-storage/pricing',
  bytesPerGB: 1e9,
  egressPerGB: 0.01,
  freeEgressRatio: 3,
  minMonthlyBytes: 0,
  standardClass: 'STANDARD',
  classes: {
    STANDARD: cls({ storagePerGBMonth: 0.006, putPer1000: 0, getPer1000: 0.0004 }),
  },
  notes: [],
};

/**
 * Wasabi pay-as-you-go: $6.99 per TB-month where 1 TB = 1024 GB, billed daily on a 30-day cycle
 * (https://docs.wasabi.com/docs/how-do-i-interpret-the-charges-on-my-pay-go-pricing-model-invoice);
 * at least 1 TB is billed each month per account, however little is stored; objects deleted before 90
 * days are billed for the remaining days; objects are padded to 4 KB; no egress or request fees while
 * monthly egress stays within the data stored (https://wasabi.com/pricing/pricing-faqs).
 */
const wasabi: ProviderPrices = {
  provider: 'wasabi',
  label: 'Wasabi',
  region: 'us / eu',
  asOf: '2025-06-01',
  source: 'https://wasabi.com/pricing',
  bytesPerGB: GiB,
  egressPerGB: 0,
  freeEgressRatio: 1,
  minMonthlyBytes: 1024 * GiB,
  standardClass: 'STANDARD',
  classes: {
    STANDARD: cls({
      storagePerGBMonth: 6.99 / 1024,
      minStorageDays: 90,
      minBillableObjectBytes: 4 * KiB,
      putPer1000: 0,
      getPer1000: 0,
    }),
  },
  notes: [
    'Wasabi bills at least 1 TB a month per account: Keepsake assumes all Wasabi destinations share one account and spreads the shortfall over the weddings stored there by size.',
  ],
};

/** The built-in list prices. `custom` (an S3-compatible endpoint) has none until the user gives one. */
export const LIST_PRICES: Readonly<PriceBook> = Object.freeze({ aws, gcs, azure, b2, wasabi });

/** Class names each provider has, for validating overrides; `custom` has a single class. */
export const PROVIDER_CLASSES: Readonly<Record<PricedProvider, readonly string[]>> = {
  aws: Object.keys(aws.classes),
  gcs: Object.keys(gcs.classes),
  azure: Object.keys(azure.classes),
  b2: Object.keys(b2.classes),
  wasabi: Object.keys(wasabi.classes),
  custom: ['STANDARD'],
};

/** A price table's class, or undefined when the provider or the class is not priced. */
export function classPrices(book: PriceBook, provider: CostProvider, storageClass: string) {
  if (provider === 'local') return undefined;
  const table = book[provider];
  const c = table?.classes[storageClass];
  return table && c ? { table, prices: c } : undefined;
}
