import type { Clock } from '../../clock.js';
import { DestinationError, errorKind, type DestinationErrorKind } from '../errors.js';
import { destinationMethods, type DestinationMethod } from './methods.js';

/** Counts and timings of one kind of call. */
export interface CallStats {
  calls: number;
  failures: number;
  /** Sum, largest and latest latency in ms of the calls (successful or not). */
  totalMs: number;
  maxMs: number;
  lastMs: number;
}

/** The last failure seen: kind and message only (messages never hold credentials; keys never do). */
export interface FailureRecord {
  method: DestinationMethod;
  kind: DestinationErrorKind;
  atMs: number;
  /** The DestinationError's message; absent for other errors, whose text is not vetted. */
  message?: string;
}

/** A copy of the counters at one moment, safe to hand to a health monitor or the UI. */
export interface MetricsSnapshot {
  bytesPut: number;
  bytesGot: number;
  calls: Record<DestinationMethod, CallStats>;
  errorsByKind: Partial<Record<DestinationErrorKind, number>>;
  lastSuccessMs?: number;
  lastFailure?: FailureRecord;
}

/**
 * What `withMetrics` records about one destination, for the health monitor to read: bytes moved,
 * calls, latencies and failures by kind. Latency is the time the provider took (for `get` until the
 * stream is returned, for `list` the time spent waiting for results), read from the Clock.
 */
export class DestinationMetrics {
  /** Bytes of `put` bodies read by the destination, failed attempts included: what went on the wire. */
  bytesPut = 0;
  /** Bytes read from `get` streams. */
  bytesGot = 0;
  readonly calls = Object.fromEntries(destinationMethods.map((m) => [m, emptyStats()])) as Record<
    DestinationMethod,
    CallStats
  >;
  readonly errorsByKind: Partial<Record<DestinationErrorKind, number>> = {};
  lastSuccessMs: number | undefined;
  lastFailure: FailureRecord | undefined;

  constructor(readonly clock: Clock) {}

  /** Counts a finished call that took `ms`. */
  recordCall(method: DestinationMethod, ms: number, error?: unknown): void {
    const stats = this.calls[method];
    stats.calls += 1;
    stats.totalMs += ms;
    stats.maxMs = Math.max(stats.maxMs, ms);
    stats.lastMs = ms;
    if (error === undefined) this.lastSuccessMs = this.clock.now();
    else this.recordFailure(method, error);
  }

  /** Counts a failure outside a call's promise (a get stream that broke while being read). */
  recordFailure(method: DestinationMethod, error: unknown): void {
    this.calls[method].failures += 1;
    const kind = errorKind(error);
    this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1;
    this.lastFailure = {
      method,
      kind,
      atMs: this.clock.now(),
      ...(error instanceof DestinationError ? { message: error.message } : {}),
    };
  }

  snapshot(): MetricsSnapshot {
    return {
      bytesPut: this.bytesPut,
      bytesGot: this.bytesGot,
      calls: Object.fromEntries(destinationMethods.map((m) => [m, { ...this.calls[m] }])) as Record<
        DestinationMethod,
        CallStats
      >,
      errorsByKind: { ...this.errorsByKind },
      ...(this.lastSuccessMs === undefined ? {} : { lastSuccessMs: this.lastSuccessMs }),
      ...(this.lastFailure === undefined ? {} : { lastFailure: { ...this.lastFailure } }),
    };
  }
}

function emptyStats(): CallStats {
  return { calls: 0, failures: 0, totalMs: 0, maxMs: 0, lastMs: 0 };
}
