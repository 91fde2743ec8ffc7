import type { DestinationFacts, EffectivePolicy, Placement } from '../../../shared/model/policy.js';

export type {
  DestinationFacts,
  DestinationHealth,
  Placement,
  PlacementTarget,
  Temperature,
} from '../../../shared/model/policy.js';

/** The object being placed: its size and the policy of its wedding. */
export interface PlacementRequest {
  size: number;
  policy: EffectivePolicy;
}

/**
 * One way of deciding where an object goes (one file per strategy under strategies/). Pure and
 * deterministic: the same request and candidates always give the same placement. Failover is the
 * same call with the failed destination marked `down`; the caller re-runs it when health changes.
 */
export interface PlacementStrategy {
  readonly name: string;
  /** The destinations the object must be on (including ones already holding it), each with its reason. */
  place(object: PlacementRequest, candidates: readonly DestinationFacts[]): Placement;
}
