import { DestinationError } from '../errors.js';

/** How long to wait between attempts: exponential growth from `baseDelayMs`, capped at `maxDelayMs`. */
export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Uniform in [0, 1): the jitter source, injectable so tests get exact delays. */
  random: () => number;
}

/**
 * Delay before attempt `failed + 1`, after attempt number `failed` (1-based) failed with `err`.
 * "Full jitter" (uniform in [0, min(max, base * 2^(failed-1))]) spreads the retries of many clients
 * that failed together. When the error carries `retryAfterMs` (a Retry-After the provider sent), the
 * delay is never shorter than that. Returns `undefined` when the provider asks for longer than
 * `maxDelayMs`: waiting that long inside one call would hold up the pipeline, so the caller gets the
 * error (which still carries `retryAfterMs`) and reschedules instead.
 */
export function backoffDelay(failed: number, err: unknown, policy: BackoffPolicy): number | undefined {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failed - 1));
  const jittered = Math.round(policy.random() * cap);
  const asked = err instanceof DestinationError ? err.retryAfterMs : undefined;
  if (asked === undefined) return jittered;
  if (asked > policy.maxDelayMs) return undefined;
  return Math.max(asked, jittered);
}
