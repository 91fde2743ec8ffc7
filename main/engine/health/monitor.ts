import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import type { Destination } from '../destinations/destination.js';
import { DestinationError } from '../destinations/errors.js';
import { CircuitBreaker, type BreakerOptions } from './circuit-breaker.js';
import type { DestinationHealth, HealthCause, HealthChange, HealthState } from './health.js';
import { categorize, type CallOutcome, type OutcomeSink } from './outcome.js';
import { explainDegradation, explainFailure, type Explanation, type Locality } from './reasons.js';
import { WakeableSleep } from './wakeable-sleep.js';

/** How often each destination is checked with `dest.check()`, by state. */
export interface ProbeOptions {
  /** While healthy and quiet: counted from the last probe or successful call. Default 60 s. */
  healthyMs: number;
  /** While degraded. Default 15 s. */
  degradedMs: number;
  /** While healthy but the last outage call failed: confirms or clears quickly. Default 1 s. */
  suspectMs: number;
  /** While down: finds the recovery. Default 5 s. */
  downMs: number;
  /** A check not answered in this long fails as `unavailable` ("not answering"). Default 10 s. */
  timeoutMs: number;
}

export const defaultProbeOptions: ProbeOptions = {
  healthyMs: 60_000,
  degradedMs: 15_000,
  suspectMs: 1_000,
  downMs: 5_000,
  timeoutMs: 10_000,
};

export interface MonitorOptions {
  breaker?: Partial<BreakerOptions>;
  probe?: Partial<ProbeOptions>;
  /** Changes kept per destination. Default 200. */
  historyLimit?: number;
}

/** Events of the monitor: every change of a destination's state or cause. */
export interface HealthEvents {
  change: [change: HealthChange, health: DestinationHealth];
}

interface Entry {
  dest: Destination;
  where: Locality;
  breaker: CircuitBreaker;
  health: DestinationHealth;
  history: HealthChange[];
  lastProbeAt: number;
  probing: Promise<void> | undefined;
  sleeper: WakeableSleep;
}

/**
 * Health of every destination: `healthy`, `degraded` or `down`, with a plain-language reason, since
 * when, and a history of changes (emitted as `change` events). It learns from the outcome of every
 * call (`record`, fed by `withHealth`), each destination having its own CircuitBreaker, and from its
 * own probes: `dest.check()` every `healthyMs`, every `suspectMs` after a failure (so a destination
 * that stopped answering is `down` within seconds even when traffic stops), every `downMs` while down.
 * All timing comes from the Clock.
 */
export class HealthMonitor extends EventEmitter<HealthEvents> implements OutcomeSink {
  private readonly entries = new Map<string, Entry>();
  private readonly probe: ProbeOptions;
  private readonly historyLimit: number;
  private running: { signal: AbortSignal; loops: Promise<void>[] } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly opts: MonitorOptions = {},
  ) {
    super();
    this.probe = { ...defaultProbeOptions, ...opts.probe };
    this.historyLimit = opts.historyLimit ?? 200;
  }

  /**
   * Watches `dest` (give the provider itself, not the retrying wrapper, so a probe is one call).
   * `where` picks the wording of reasons: a local drive is "unplugged", a server "not answering".
   */
  add(dest: Destination, opts: { where?: Locality } = {}): void {
    if (this.entries.has(dest.name)) throw new Error(`destination "${dest.name}" is already monitored`);
    const entry: Entry = {
      dest,
      where: opts.where ?? 'remote',
      breaker: new CircuitBreaker(this.clock, this.opts.breaker),
      health: {
        destination: dest.name,
        state: 'healthy',
        cause: 'ok',
        reason: 'not checked yet',
        since: this.clock.now(),
        breaker: 'closed',
      },
      history: [],
      lastProbeAt: -Infinity,
      probing: undefined,
      sleeper: new WakeableSleep(this.clock),
    };
    this.entries.set(dest.name, entry);
    if (this.running) this.running.loops.push(this.loop(entry, this.running.signal));
  }

  /** Stops watching a destination (removed or disabled in the config). */
  remove(name: string): void {
    const entry = this.entries.get(name);
    this.entries.delete(name);
    entry?.sleeper.wake();
  }

  /** Feeds the outcome of one call on `destination` (unknown destinations are ignored). */
  record(destination: string, outcome: CallOutcome): void {
    const e = this.entries.get(destination);
    if (!e) return;
    const dueBefore = this.wakeAt(e);
    e.breaker.record(outcome);
    const end = outcome.startedAt + outcome.latencyMs;
    if (outcome.error === undefined) e.health.lastSuccessAt = Math.max(e.health.lastSuccessAt ?? 0, end);
    else e.health.lastFailureAt = Math.max(e.health.lastFailureAt ?? 0, end);
    // The start of the current run of failures: where a failover's recovery time is measured from.
    const category = categorize(outcome);
    if (category === 'ok' || category === 'throttled') delete e.health.failingSince;
    else if (category !== 'error') e.health.failingSince ??= end;
    this.refresh(e);
    if (this.wakeAt(e) < dueBefore) e.sleeper.wake();
  }

  /** The current health of one destination, or undefined when it is not monitored. */
  health(destination: string): DestinationHealth | undefined {
    const e = this.entries.get(destination);
    if (!e) return undefined;
    this.refresh(e);
    return { ...e.health };
  }

  /** Every monitored destination's health, in the order they were added. */
  all(): DestinationHealth[] {
    return [...this.entries.keys()].map((name) => this.health(name)!);
  }

  /** The destination's changes, oldest first (the last `historyLimit`). */
  history(destination: string): HealthChange[] {
    return [...(this.entries.get(destination)?.history ?? [])];
  }

  /**
   * Whether to send work to `destination` now (its breaker's advice): true while closed, false while
   * open, and one trial at a time while half-open. Unknown destinations are allowed.
   */
  allow(destination: string): boolean {
    const e = this.entries.get(destination);
    if (!e) return true;
    const allowed = e.breaker.allow();
    this.refresh(e);
    return allowed;
  }

  /** Checks one destination now and returns its health after the check. */
  async probeNow(destination: string): Promise<DestinationHealth | undefined> {
    const e = this.entries.get(destination);
    if (!e) return undefined;
    await this.runProbe(e);
    return this.health(destination);
  }

  /** Probes every destination on its schedule until `signal` aborts; resolves when all loops ended. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error('the health monitor is already running');
    const running = { signal, loops: [...this.entries.values()].map((e) => this.loop(e, signal)) };
    this.running = running;
    try {
      // Loops added while waiting (by `add`) are awaited too.
      for (let i = 0; i < running.loops.length; i++) await running.loops[i];
    } finally {
      this.running = undefined;
    }
  }

  private async loop(e: Entry, signal: AbortSignal): Promise<void> {
    const stopped = aborted(signal);
    while (!signal.aborted && this.entries.get(e.dest.name) === e) {
      const now = this.clock.now();
      const probeAt = this.probeDue(e);
      if (probeAt <= now) {
        await Promise.race([this.runProbe(e), stopped]);
        continue;
      }
      const evalAt = this.evaluateDue(e);
      if (evalAt <= now) {
        this.refresh(e);
        continue;
      }
      await e.sleeper.sleep(Math.min(probeAt, evalAt) - now, signal);
    }
  }

  /** When the next probe is due: from the last probe, or while healthy also from the last success. */
  private probeDue(e: Entry): number {
    const p = this.probe;
    if (e.health.state === 'down') return e.lastProbeAt + p.downMs;
    if (e.breaker.consecutiveFailures > 0) return e.lastProbeAt + p.suspectMs;
    if (e.health.state === 'degraded') return e.lastProbeAt + p.degradedMs;
    return Math.max(e.lastProbeAt, e.health.lastSuccessAt ?? -Infinity) + p.healthyMs;
  }

  /** When a degraded destination's window next changes (old outcomes leaving it). */
  private evaluateDue(e: Entry): number {
    return e.health.state === 'degraded' ? (e.breaker.nextChangeAt() ?? Infinity) : Infinity;
  }

  private wakeAt(e: Entry): number {
    return Math.min(this.probeDue(e), this.evaluateDue(e));
  }

  /** One `check()`, bounded by `timeoutMs`; its outcome is recorded like any call's. */
  private runProbe(e: Entry): Promise<void> {
    if (e.probing) return e.probing;
    const started = this.clock.now();
    e.lastProbeAt = started;
    const timeout = new AbortController();
    const probing = (async () => {
      const result = await Promise.race([
        e.dest.check().then(
          () => ({ error: undefined as unknown }),
          (error: unknown) => ({ error }),
        ),
        this.clock.sleep(this.probe.timeoutMs, timeout.signal).then(
          () => ({ error: notAnswering(e.dest.name, this.probe.timeoutMs) as unknown }),
          () => new Promise<never>(() => undefined),
        ),
      ]);
      timeout.abort();
      const outcome: CallOutcome = {
        method: 'check',
        startedAt: started,
        latencyMs: this.clock.now() - started,
      };
      if (result.error !== undefined) outcome.error = result.error;
      if (this.entries.get(e.dest.name) === e) this.record(e.dest.name, outcome);
    })();
    e.probing = probing.finally(() => (e.probing = undefined));
    return e.probing;
  }

  /** Derives the health from the breaker; records and emits a change of state or cause. */
  private refresh(e: Entry): void {
    const snap = e.breaker.snapshot();
    let state: HealthState;
    let cause: HealthCause;
    let why: Explanation;
    if (snap.state !== 'closed' && snap.trip) {
      state = 'down';
      cause = snap.trip.kind;
      why = explainFailure(snap.trip.kind, snap.trip.error, e.where);
    } else if (snap.degraded) {
      state = 'degraded';
      cause = snap.degraded.cause === 'throttled' ? 'throttled' : snap.degraded.cause;
      why = explainDegradation(snap.degraded);
    } else {
      state = 'healthy';
      cause = 'ok';
      why = {
        reason:
          e.health.lastSuccessAt === undefined && e.health.state === 'healthy'
            ? e.health.reason
            : 'working normally',
      };
    }
    const prev = e.health;
    const now = this.clock.now();
    const changed = state !== prev.state || cause !== prev.cause;
    const next: DestinationHealth = {
      destination: prev.destination,
      state,
      cause,
      reason: why.reason,
      ...(why.detail === undefined ? {} : { detail: why.detail }),
      since: state === prev.state ? prev.since : now,
      breaker: snap.state,
      ...(prev.lastSuccessAt === undefined ? {} : { lastSuccessAt: prev.lastSuccessAt }),
      ...(prev.lastFailureAt === undefined ? {} : { lastFailureAt: prev.lastFailureAt }),
      ...(prev.failingSince === undefined ? {} : { failingSince: prev.failingSince }),
    };
    e.health = next;
    if (!changed) return;
    const change: HealthChange = {
      destination: prev.destination,
      at: now,
      from: prev.state,
      to: state,
      cause,
      reason: why.reason,
      ...(why.detail === undefined ? {} : { detail: why.detail }),
    };
    e.history.push(change);
    if (e.history.length > this.historyLimit) e.history.splice(0, e.history.length - this.historyLimit);
    this.emit('change', change, { ...next });
  }
}

/** The failure a probe gets when `check()` does not answer in time. */
function notAnswering(destination: string, ms: number): DestinationError {
  const cause = Object.assign(new Error('health check timed out'), { code: 'ETIMEDOUT' });
  return new DestinationError('unavailable', destination, `not answering: no reply within ${ms / 1000} s`, {
    cause,
  });
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
