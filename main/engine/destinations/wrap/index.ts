import type { Clock } from '../../clock.js';
import type { Destination } from '../destination.js';
import type { BandwidthLimiter } from './bandwidth.js';
import { withMetrics } from './metered.js';
import type { DestinationMetrics } from './metrics.js';
import { withRetry, type RetryingDestination, type RetryOptions } from './retrying.js';
import { withThrottle } from './throttled.js';

export { BandwidthLimiter, type BandwidthOptions } from './bandwidth.js';
export { DestinationMetrics, type CallStats, type FailureRecord, type MetricsSnapshot } from './metrics.js';
export { withMetrics } from './metered.js';
export {
  ObservedDestination,
  withObserver,
  type CallObserver,
  type CallOutcome,
  type OutcomePhase,
} from './observed.js';
export type { DestinationMethod } from './methods.js';
export {
  RetryingDestination,
  putWithRetry,
  withRetry,
  type RetryEvent,
  type RetryOptions,
} from './retrying.js';
export { ThrottledDestination, withThrottle, type ThrottleOptions } from './throttled.js';

export interface WrapOptions {
  clock: Clock;
  /** Calls in flight at once on this destination. */
  concurrency: number;
  /** Upload pacing; pass the same limiter to every destination for one global limit. */
  bandwidth?: BandwidthLimiter;
  /** Where this destination's counters go; omit to record nothing. */
  metrics?: DestinationMetrics;
  /** Backoff settings (clock comes from above). */
  retry?: Omit<RetryOptions, 'clock'>;
}

/**
 * The one way the engine wraps a provider's Destination:
 *
 *   retry( throttle( metrics( provider ) ) )
 *
 * - Retry is outermost so each attempt queues for a slot again and a backoff wait holds no slot: a
 *   destination that is down does not block the calls that could still succeed.
 * - Throttle sits between them so the concurrency bound and bandwidth apply to every attempt.
 * - Metrics is innermost so it sees every attempt (the failures retry hides are what the health
 *   monitor needs) and times the provider alone, not the wait for a slot or a backoff.
 *
 * The result is a RetryingDestination: `putWithRetry` on it retries puts whose body can be re-opened.
 */
export function wrapDestination(dest: Destination, opts: WrapOptions): RetryingDestination {
  const metered = opts.metrics ? withMetrics(dest, opts.metrics) : dest;
  const throttled = withThrottle(metered, {
    concurrency: opts.concurrency,
    ...(opts.bandwidth ? { bandwidth: opts.bandwidth } : {}),
  });
  return withRetry(throttled, { ...opts.retry, clock: opts.clock });
}
