/** The cost optimizer's plan (`keepsake optimize`, the cost screen): colder classes for quiet weddings. */
import type { PolicyName } from './policy.js';
import type { Temperature } from './analysis.js';
import type { Micros, PriceSource } from './cost.js';

/** Moving one wedding's copies at one destination to a colder storage class. */
export interface ClassMove {
  destination: string;
  from: string;
  to: string;
  objects: number;
  bytes: number;
  monthlyNow: Micros;
  monthlyAfter: Micros;
  monthlySaving: Micros;
  /** Paid once when applied: the class-change requests, and the early-deletion charge of the old class. */
  oneTime: { requests: Micros; earlyDeletion: Micros; total: Micros };
  /** Months until the saving has paid for `oneTime` (0 when it costs nothing). */
  breakEvenMonths: number;
  /** What reading the whole wedding back from there would cost after the move (standard speed). */
  retrievalAfter: Micros;
  /** False for classes that must be rehydrated before a restore (S3 Glacier, Deep Archive, Azure Archive). */
  readableAtOnce: boolean;
}

export interface WeddingPlan {
  weddingId: number | null;
  label: string;
  policy: PolicyName | null;
  temperature: Temperature;
  /** Why these moves, or why none, in words. */
  reason: string;
  moves: ClassMove[];
}

export interface OptimizationPlan {
  generatedAt: string;
  weddings: WeddingPlan[];
  /** The monthly bill of the priced copies: as stored now, after the plan, and with every copy in the hot class. */
  monthly: { naive: Micros; today: Micros; optimized: Micros };
  monthlySaving: Micros;
  oneTime: Micros;
  prices: PriceSource[];
  notes: string[];
}

/** What applying one move did. */
export interface AppliedMove {
  wedding: string;
  destination: string;
  from: string;
  to: string;
  /** Copies moved and confirmed by the destination. */
  moved: number;
  /** Copies left in their class: the first reason, in words. */
  failed: number;
  reason: string | null;
  /** Copies also used by another wedding's files: left where they are. */
  shared: number;
}
