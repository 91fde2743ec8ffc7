/** The only place the engine reads the time, so schedules, backoff and policies are testable exactly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that only moves when told to: for tests of schedules, backoff and leases. */
export class ManualClock implements Clock {
  private sleepers: { until: number; resolve: () => void }[] = [];
  constructor(private t = Date.parse('2026-06-14T12:00:00Z')) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.sleepers.push({ until: this.t + ms, resolve }));
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    for (const s of due) s.resolve();
  }
}

/** ISO 8601 UTC string of a clock reading. */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Minutes the local wall clock is ahead of UTC at the instant `ms` (120 in Paris in summer, -300 in
 * New York in winter), from the system time zone: schedules written in local time need it.
 */
export function localUtcOffsetMinutes(ms: number): number {
  const behind = new Date(ms).getTimezoneOffset();
  return behind === 0 ? 0 : -behind; // never -0
}
