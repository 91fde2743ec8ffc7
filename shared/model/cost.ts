import type { DestinationKind } from './destination.js';
import type { Wedding } from './wedding.js';

/**
 * An amount of money in whole micro-dollars (1 USD = 1,000,000). Every cost Keepsake computes is an
 * integer of these; rounding to cents happens only when a person is shown the figure.
 */
export type Micros = number;

/** Whose price list applies: `custom` is an S3-compatible server at its own endpoint (no list price). */
export type CostProvider = 'local' | 'aws' | 'gcs' | 'azure' | 'b2' | 'wasabi' | 'custom';

/** How fast archived data is asked back; the same three words `keepsake restore --rehydrate` takes. */
export type RetrievalSpeed = 'fast' | 'standard' | 'bulk';

/** One month's charge, split by what causes it. `total` is exactly the sum of the three parts. */
export interface CostBreakdown {
  /** The stored bytes at the class's rate. */
  storage: Micros;
  /** Per-object charges: minimum billable object size padding, Glacier's 40 KB of index per object. */
  objectOverhead: Micros;
  /** A provider minimum topping the bill up (Wasabi charges at least 1 TB a month). */
  minimum: Micros;
  total: Micros;
}

/** What getting data back out would cost, and how long it takes before the first byte can be read. */
export interface RetrievalEstimate {
  provider: CostProvider;
  storageClass: string;
  speed: RetrievalSpeed;
  bytes: number;
  objects: number;
  /** Per-GB retrieval (rehydration) fee. */
  retrieval: Micros;
  /** Restore/rehydrate requests plus the GETs that read the data. */
  requests: Micros;
  /** Internet egress, after any free allowance (B2: 3x what is stored; Wasabi: 1x). */
  egress: Micros;
  /** A restored S3 Glacier object is a temporary copy billed at the Standard rate while it lasts. */
  temporaryCopy: Micros;
  total: Micros;
  /** Wait before the data is readable, in minutes (0 and 0: readable at once). */
  waitMinutes: { min: number; max: number };
  notes: string[];
}

/** The monthly cost of one configured destination. */
export interface DestinationCost {
  name: string;
  kind: DestinationKind;
  provider: CostProvider;
  storageClass: string;
  region: string | null;
  /** False when no price is known (an S3-compatible endpoint without a price override): costs are 0. */
  priced: boolean;
  objects: number;
  bytes: number;
  /** Bytes the provider bills before any account minimum: padded small objects plus per-object overhead. */
  billedBytes: number;
  monthly: CostBreakdown;
  /** What deleting everything stored here now would add, for the rest of each object's minimum storage duration. */
  earlyDeletionExposure: Micros;
  /** The one-off request charge for having uploaded these objects (one PUT each). */
  uploadRequests: Micros;
  /** Getting everything stored here back at `standard` speed; null for an unpriced destination. */
  fullRestore: RetrievalEstimate | null;
  notes: string[];
}

/** The monthly cost of everything stored in one provider's class, over all destinations using it. */
export interface ClassCost {
  provider: CostProvider;
  storageClass: string;
  destinations: string[];
  objects: number;
  bytes: number;
  monthly: CostBreakdown;
}

/** The monthly cost attributed to one wedding (null: files that belong to no wedding). */
export interface WeddingCost {
  wedding: Pick<Wedding, 'id' | 'slug' | 'couple' | 'date'> | null;
  /** Stored copies attributed to the wedding, over all destinations (one object at 3 places counts 3). */
  objects: number;
  /** Bytes of those copies. */
  bytes: number;
  monthly: Micros;
  /** The wedding's share per destination name; sums to `monthly`. */
  byDestination: Record<string, Micros>;
}

/** A month-by-month projection; `total` is the sum of `months`. */
export interface CostProjection {
  months: Micros[];
  total: Micros;
}

/** Where the prices came from, per provider. */
export interface PriceSource {
  provider: CostProvider;
  label: string;
  /** The region or location whose list prices the table holds. */
  region: string;
  /** Date the list prices were taken (YYYY-MM-DD). */
  asOf: string;
  source: string;
  /** True when the user's price overrides changed this table. */
  overridden: boolean;
}

/** Everything `keepsake cost` shows, also the API's cost response. */
export interface CostReport {
  generatedAt: string;
  currency: 'USD';
  weddings: WeddingCost[];
  destinations: DestinationCost[];
  classes: ClassCost[];
  /** Charges tied to no wedding: a provider minimum at a destination that stores nothing yet. */
  unattributed: Micros;
  /** Sum of every destination's monthly total (= sum of weddings plus `unattributed`). */
  monthlyTotal: Micros;
  /** The next 12 months if nothing is added or removed. */
  projection: CostProjection;
  /** The same cloud copies, all in S3 Standard (us-east-1), for comparison. */
  baseline: { description: string; monthly: Micros; projection: CostProjection; monthlySaving: Micros };
  prices: PriceSource[];
  /** How objects shared by several weddings are attributed. */
  attribution: string;
  notes: string[];
}
