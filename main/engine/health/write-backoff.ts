import type { Clock } from '../clock.js';
import { DestinationError } from '../destinations/errors.js';
import { backoffDelay } from '../destinations/wrap/backoff.js';
import { categorize, groupOf, type CallOutcome, type OutcomeSink } from './outcome.js';

/** How long writes to a failing destination pause: up to `baseMs` doubling to `capMs`, jittered. */
export interface WriteBackoffOptions {
  /** Pause after the first failure. Default 1 s. */
  baseMs: number;
  /** Longest pause. Default 60 s. */
  capMs: number;
  /** A trial that neither succeeds nor fails within this long lets another one go. Default 120 s. */
  trialMs: number;
  /** Random number in [0, 1) for the jitter (tests pass their own). */
  random: () => number;
}

const defaults: WriteBackoffOptions = { baseMs: 1_000, capMs: 60_000, trialMs: 120_000, random: Math.random };

interface Pause {
  failures: number;
  until: number;
  lastError: Error;
  trialSince: number | undefined;
}

/**
 * A write that failed because the destination did not answer or cut the line (an outage), made by
 * a queued upload that was refused without reading its file: the destination is paused.
 */
export class PausedError extends DestinationError {
  constructor(
    destination: string,
    message: string,
    /** When the next trial may go, on the engine's clock. */
    readonly retryAt: number,
    cause: Error,
  ) {
    super('unavailable', destination, message, { cause });
  }
}

/**
 * Per-destination backoff for writes, fed every write's outcome (like the health monitor). After an
 * outage-type failure of a put or promote, new uploads to that destination wait a jittered,
 * doubling, capped pause; then one trial goes, and only its success opens the way for the others.
 * A cut connection can leave `check` probes answering while every upload fails, so only writes
 * count here: a file is not read again and again for a destination that cannot take it.
 */
export class WriteBackoff implements OutcomeSink {
  private readonly pauses = new Map<string, Pause>();
  private readonly opts: WriteBackoffOptions;

  constructor(
    private readonly clock: Clock,
    opts: Partial<WriteBackoffOptions> = {},
    /**
     * Called when a trial ended: the destination took a write again (the waiting uploads can go
     * now) or failed again (they learn its next pause); either way they should ask again.
     */
    private readonly onTrialEnd?: (destination: string) => void,
  ) {
    this.opts = { ...defaults, ...opts };
  }

  record(destination: string, outcome: CallOutcome): void {
    if (groupOf(outcome.method) !== 'write') return;
    const category = categorize(outcome);
    if (category === 'ok') {
      if (this.pauses.delete(destination)) this.onTrialEnd?.(destination);
      return;
    }
    if (category !== 'outage' || outcome.error === undefined) return;
    const p = this.pauses.get(destination);
    const failures = (p?.failures ?? 0) + 1;
    // Jittered (laptops of one studio that lost the same line do not come back in step), and never
    // shorter than a Retry-After the provider sent.
    const ms =
      backoffDelay(failures, outcome.error, {
        baseDelayMs: this.opts.baseMs,
        maxDelayMs: this.opts.capMs,
        random: this.opts.random,
      }) ??
      (outcome.error instanceof DestinationError
        ? (outcome.error.retryAfterMs ?? this.opts.capMs)
        : this.opts.capMs);
    this.pauses.set(destination, {
      failures,
      until: this.clock.now() + ms,
      lastError: outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error)),
      trialSince: undefined,
    });
    if (p?.trialSince !== undefined) this.onTrialEnd?.(destination);
  }

  /**
   * Whether a new upload may be sent to `destination` now; when it may not, the PausedError to
   * report (naming the real error and when the next try goes). After a pause one trial goes.
   */
  admit(destination: string): PausedError | undefined {
    const p = this.pauses.get(destination);
    if (!p) return undefined;
    const now = this.clock.now();
    const trialBusy = p.trialSince !== undefined && now - p.trialSince < this.opts.trialMs;
    if (now >= p.until && !trialBusy) {
      p.trialSince = now;
      return undefined;
    }
    const retryAt = trialBusy ? now + Math.min(this.opts.capMs, this.opts.trialMs) : p.until;
    const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
    // The provider's own words, without the destination's name a second time.
    const real = p.lastError.message.startsWith(`${destination}: `)
      ? p.lastError.message.slice(destination.length + 2)
      : p.lastError.message;
    return new PausedError(
      destination,
      `uploads paused after ${p.failures} failed ${p.failures === 1 ? 'try' : 'tries'} (${real}); ` +
        (trialBusy ? 'a trial upload is under way' : `next try in ${seconds} s`),
      retryAt,
      p.lastError,
    );
  }
}
