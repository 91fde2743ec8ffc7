import type { Clock } from '../clock.js';
import { errorKind, type DestinationErrorKind } from '../destinations/errors.js';
import type { DestinationMethod } from '../destinations/wrap/methods.js';
import { categorize, categoryOfKind, groupOf, type CallOutcome, type OutcomeCategory } from './outcome.js';

/** `closed`: calls flow; `open`: the destination is failing, calls should wait; `half-open`: trial calls decide. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Outage failures in a row (unavailable, transient) that open the breaker. Default 3. */
  consecutiveFailures: number;
  /** Length of the sliding window of recent outcomes, ms. Default 60 s. */
  windowMs: number;
  /** Outcomes the window needs before its ratios count. Default 10. */
  windowMinCalls: number;
  /** Share of failed calls in the window that opens the breaker. Default 0.5. */
  openErrorRatio: number;
  /** Share of failed or throttled calls in the window that makes the destination `degraded`. Default 0.2. */
  degradedErrorRatio: number;
  /** A call slower than this (ms) is slow. Default 10 s. */
  slowCallMs: number;
  /** Share of slow calls in the window that makes the destination `degraded`. Default 0.5. */
  slowCallRatio: number;
  /** Methods whose latency counts as a health signal. Default: all but `put`, whose time is the upload's size. */
  latencyMethods: readonly DestinationMethod[];
  /** Wait in `open` before trial calls are allowed; doubles after each failed trial. Default 5 s. */
  coolDownMs: number;
  /** Longest cool-down. Default 60 s. */
  maxCoolDownMs: number;
  /** Trial calls allowed at once in `half-open`. Default 1. */
  halfOpenTrials: number;
  /** A trial whose outcome was never recorded frees its slot after this long (ms). Default 30 s. */
  trialTimeoutMs: number;
}

export const defaultBreakerOptions: BreakerOptions = {
  consecutiveFailures: 3,
  windowMs: 60_000,
  windowMinCalls: 10,
  openErrorRatio: 0.5,
  degradedErrorRatio: 0.2,
  slowCallMs: 10_000,
  slowCallRatio: 0.5,
  latencyMethods: ['get', 'stat', 'digest', 'list', 'promote', 'remove', 'check', 'requestRehydration'],
  coolDownMs: 5_000,
  maxCoolDownMs: 60_000,
  halfOpenTrials: 1,
  trialTimeoutMs: 30_000,
};

/** Why the breaker opened: the failure that tripped it (kept up to date while it stays open). */
export interface Trip {
  kind: DestinationErrorKind;
  method: DestinationMethod;
  at: number;
  /** The error itself, for wording the reason (its message never holds credentials). */
  error: unknown;
  /** `consecutive`: failures in a row; `ratio`: too many failures in the window; `blocking`: one was enough. */
  by: 'consecutive' | 'ratio' | 'blocking';
}

/** Why a closed breaker's destination is not fully well. */
export interface Degradation {
  cause: 'slow' | 'throttled' | 'flaky';
  /** Outcomes in the window, and how many of them failed, were throttled, or were slow. */
  calls: number;
  failed: number;
  throttled: number;
  slow: number;
  /** The slowest call in the window that counts for latency, ms. */
  slowestMs: number;
}

/** The breaker's state at one moment. */
export interface BreakerSnapshot {
  state: BreakerState;
  /** Clock time of the last state change. */
  since: number;
  /** Set while open or half-open. */
  trip?: Trip;
  /** Set while closed and the window shows trouble. */
  degraded?: Degradation;
  /** Outage failures in a row so far (closed only): the monitor probes sooner when this is above 0. */
  consecutiveFailures: number;
  /** Current cool-down, ms. */
  coolDownMs: number;
}

/** Most outcomes kept in the window. */
const maxSamples = 1000;

interface Sample {
  at: number;
  category: OutcomeCategory;
  /** Its method's latency counts (see `latencyMethods`). */
  timed: boolean;
  slow: boolean;
  latencyMs: number;
}

/**
 * A circuit breaker for one destination, fed with observed call outcomes (see `categorize`):
 *
 * - closed -> open: `consecutiveFailures` outage failures in a row; or failures reaching
 *   `openErrorRatio` of at least `windowMinCalls` outcomes in the sliding window; or at once on a
 *   blocking failure (bad credentials, missing bucket, no permission, full).
 * - open -> half-open: after the cool-down; `allow()` then grants `halfOpenTrials` trial calls.
 * - half-open -> closed: a trial succeeds in a way that proves the trip's cause gone (a `full` or
 *   `permission` trip needs a success of the same group of calls: a `check` cannot prove a write works).
 *   half-open -> open: a trial fails; the cool-down doubles up to `maxCoolDownMs`.
 * - open -> closed: a proving success seen while open (a probe, or a call made anyway) closes it early.
 *
 * While closed it reports `degraded` when the window holds too many slow, throttled or failed calls.
 * Outcomes of calls started before it last opened or closed are stale and ignored, so a call that hung
 * through an outage cannot re-open a breaker that just closed, or close one that just opened.
 * Time comes from the Clock only; `evaluate()` applies time-based changes (cool-down, window expiry).
 */
export class CircuitBreaker {
  readonly opts: BreakerOptions;
  private state: BreakerState = 'closed';
  private since: number;
  /** Time of the last open or close: calls started before it are stale (half-open is only time passing). */
  private flippedAt: number;
  private trip: Trip | undefined;
  private coolDown: number;
  private openedAt = 0;
  private consecutive = 0;
  private samples: Sample[] = [];
  private trials: number[] = [];

  constructor(
    private readonly clock: Clock,
    opts: Partial<BreakerOptions> = {},
  ) {
    this.opts = { ...defaultBreakerOptions, ...opts };
    this.coolDown = this.opts.coolDownMs;
    this.since = clock.now();
    this.flippedAt = this.since;
  }

  /** Feeds one outcome; returns true when it changed the state. */
  record(o: CallOutcome): boolean {
    const before = this.state;
    this.evaluate();
    if (o.startedAt < this.flippedAt) return this.state !== before;
    const category = categorize(o);
    const now = this.clock.now();
    switch (this.state) {
      case 'closed':
        this.recordClosed(o, category, now);
        break;
      case 'open':
        if (category === 'ok' && this.proves(o)) this.close(now);
        else if (category === 'outage' || category === 'blocking') this.updateTrip(o, category, now);
        break;
      case 'half-open':
        this.trials.shift();
        if (category === 'ok' && this.proves(o)) this.close(now);
        else if (category === 'outage' || category === 'blocking' || category === 'error') {
          this.coolDown = Math.min(this.opts.maxCoolDownMs, this.coolDown * 2);
          if (category !== 'error') this.updateTrip(o, category, now);
          this.open(now);
        }
        break;
    }
    return this.state !== before;
  }

  /**
   * Whether a call should go to the destination now: always when closed, never while open, and up to
   * `halfOpenTrials` at once when half-open (the caller then records the trial's outcome).
   */
  allow(): boolean {
    this.evaluate();
    if (this.state === 'closed') return true;
    if (this.state === 'open') return false;
    const now = this.clock.now();
    this.trials = this.trials.filter((t) => now - t < this.opts.trialTimeoutMs);
    if (this.trials.length >= this.opts.halfOpenTrials) return false;
    this.trials.push(now);
    return true;
  }

  /** Outage failures in a row so far while closed (0 otherwise). */
  get consecutiveFailures(): number {
    return this.consecutive;
  }

  /** Applies changes due to time alone: open -> half-open after the cool-down, window expiry. */
  evaluate(): void {
    const now = this.clock.now();
    if (this.state === 'open' && now >= this.openedAt + this.coolDown) {
      this.state = 'half-open';
      this.since = this.openedAt + this.coolDown;
      this.trials = [];
    }
    const horizon = now - this.opts.windowMs;
    while (this.samples.length > 0 && this.samples[0]!.at <= horizon) this.samples.shift();
  }

  /** The next clock time at which `evaluate()` may change something, if any. */
  nextChangeAt(): number | undefined {
    if (this.state === 'open') return this.openedAt + this.coolDown;
    const oldest = this.samples[0];
    return oldest === undefined ? undefined : oldest.at + this.opts.windowMs;
  }

  snapshot(): BreakerSnapshot {
    this.evaluate();
    const degraded = this.state === 'closed' ? this.degradation() : undefined;
    return {
      state: this.state,
      since: this.since,
      ...(this.trip && this.state !== 'closed' ? { trip: { ...this.trip } } : {}),
      ...(degraded ? { degraded } : {}),
      consecutiveFailures: this.consecutive,
      coolDownMs: this.coolDown,
    };
  }

  private recordClosed(o: CallOutcome, category: OutcomeCategory, now: number): void {
    const timed = this.opts.latencyMethods.includes(o.method);
    const slow = timed && o.latencyMs > this.opts.slowCallMs;
    this.samples.push({ at: now, category, timed, slow, latencyMs: o.latencyMs });
    // Ratios of the latest outcomes are enough; a busy destination's window stays small.
    if (this.samples.length > maxSamples) this.samples.shift();
    if (category === 'ok' || category === 'throttled') this.consecutive = 0;
    if (category === 'outage') this.consecutive += 1;
    if (category === 'blocking') {
      this.tripWith(o, now, 'blocking');
      return;
    }
    if (this.consecutive >= this.opts.consecutiveFailures) {
      this.tripWith(o, now, 'consecutive');
      return;
    }
    const w = this.tally();
    if (
      category !== 'ok' &&
      category !== 'throttled' &&
      w.calls >= this.opts.windowMinCalls &&
      w.failed / w.calls >= this.opts.openErrorRatio
    ) {
      this.tripWith(o, now, 'ratio');
    }
  }

  private tripWith(o: CallOutcome, now: number, by: Trip['by']): void {
    this.trip = { kind: errorKind(o.error), method: o.method, at: now, error: o.error, by };
    this.open(now);
  }

  /** A later failure while open: a blocking one names the cause better than an outage does. */
  private updateTrip(o: CallOutcome, category: OutcomeCategory, now: number): void {
    const current = this.trip;
    if (current && categoryOfKind(current.kind, current.method) === 'blocking' && category !== 'blocking')
      return;
    this.trip = {
      kind: errorKind(o.error),
      method: o.method,
      at: now,
      error: o.error,
      by: category === 'blocking' ? 'blocking' : (current?.by ?? 'consecutive'),
    };
  }

  private open(now: number): void {
    this.state = 'open';
    this.since = now;
    this.flippedAt = now;
    this.openedAt = now;
    this.samples = [];
    this.consecutive = 0;
    this.trials = [];
  }

  private close(now: number): void {
    this.state = 'closed';
    this.since = now;
    this.flippedAt = now;
    this.trip = undefined;
    this.coolDown = this.opts.coolDownMs;
    this.samples = [];
    this.consecutive = 0;
    this.trials = [];
  }

  /**
   * Whether a success proves the trip's cause gone: any answer disproves an outage, bad credentials
   * or a missing bucket; `full`, `permission` and `permanent` need a success of the same call group.
   */
  private proves(o: CallOutcome): boolean {
    const trip = this.trip;
    if (!trip) return true;
    if (trip.kind === 'full' || trip.kind === 'permission' || trip.kind === 'permanent')
      return groupOf(o.method) === groupOf(trip.method);
    return true;
  }

  private tally(): Omit<Degradation, 'cause'> & { timed: number } {
    let failed = 0;
    let throttled = 0;
    let timed = 0;
    let slow = 0;
    let slowestMs = 0;
    for (const s of this.samples) {
      if (s.category === 'outage' || s.category === 'error' || s.category === 'blocking') failed++;
      if (s.category === 'throttled') throttled++;
      if (s.timed) timed++;
      if (s.slow) {
        slow++;
        slowestMs = Math.max(slowestMs, s.latencyMs);
      }
    }
    return { calls: this.samples.length, failed, throttled, timed, slow, slowestMs };
  }

  private degradation(): Degradation | undefined {
    const { timed, ...w } = this.tally();
    const min = this.opts.windowMinCalls;
    const cause =
      w.calls >= min && w.failed / w.calls >= this.opts.degradedErrorRatio
        ? 'flaky'
        : w.calls >= min && w.throttled / w.calls >= this.opts.degradedErrorRatio
          ? 'throttled'
          : timed >= min && w.slow / timed >= this.opts.slowCallRatio
            ? 'slow'
            : undefined;
    return cause === undefined ? undefined : { cause, ...w };
  }
}
