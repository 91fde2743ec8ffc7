import type { DestinationErrorKind } from '../destinations/errors.js';
import type { BreakerState } from './circuit-breaker.js';

/** `healthy`: working; `degraded`: working but slow, throttled or sometimes failing; `down`: not usable now. */
export type HealthState = 'healthy' | 'degraded' | 'down';

/** The machine-readable cause behind a state: `ok`, the error kind that took it down, `slow` or `flaky`. */
export type HealthCause = 'ok' | DestinationErrorKind | 'slow' | 'flaky';

/** One destination's health now, as the UI, status and notifications show it. */
export interface DestinationHealth {
  destination: string;
  state: HealthState;
  cause: HealthCause;
  /** Plain language: "connection refused: the server is not answering", "bad credentials", ... */
  reason: string;
  /** The destination's own message behind the reason, when there is one (never credentials). */
  detail?: string;
  /** Clock time the destination entered `state`. */
  since: number;
  /** The circuit breaker's state: `half-open` means trial calls are being let through. */
  breaker: BreakerState;
  lastSuccessAt?: number;
  lastFailureAt?: number;
  /** When the current run of failures began (outages, blocking errors); absent after a success. */
  failingSince?: number;
}

/** One change of a destination's state or cause, kept in its history and emitted as `change`. */
export interface HealthChange {
  destination: string;
  at: number;
  from: HealthState;
  to: HealthState;
  cause: HealthCause;
  reason: string;
  detail?: string;
}
