import { localUtcOffsetMinutes, type Clock } from '../../clock.js';
import { limitAt, type LimitInForce, type TransferLimits } from './bandwidth-schedule.js';

export interface BandwidthOptions {
  /**
   * Bytes that may pass at once after an idle spell, and the largest piece granted at a time.
   * Default: the larger of 64 KiB and 100 ms worth of the rate.
   */
  burstBytes?: number;
  /**
   * The limit in force at a moment and when it next changes (see bandwidth-schedule.ts). When given,
   * it overrides the rate: asked again at an acquire once its answer expires, and at least every second.
   */
  schedule?: (nowMs: number) => LimitInForce;
}

const minBurst = 64 * 1024;
/** A schedule's answer is trusted for at most this long (daylight-saving changes move its edges). */
const recheckMs = 1000;

/**
 * A token bucket over bytes, shared by every upload it paces: one limiter given to all destinations
 * makes a global limit. Waiters are served first come, first served, so a big upload cannot starve a
 * small one. Time comes from the Clock (it awaits `clock.sleep`), so ManualClock tests are exact.
 * `setRate` changes the limit at once, also for uploads already waiting. With a `schedule` the limiter
 * follows it by itself: a window's limit applies from its first millisecond, to waiting uploads too.
 */
export class BandwidthLimiter {
  private rate: number | null;
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly wakers = new Set<AbortController>();
  /** When the schedule must be asked again; Infinity without a schedule. */
  private recheckAt = Infinity;

  constructor(
    private readonly clock: Clock,
    bytesPerSecond: number | null,
    private readonly opts: BandwidthOptions = {},
  ) {
    this.last = clock.now();
    this.rate = checkRate(opts.schedule ? this.ask(this.last) : bytesPerSecond);
    this.tokens = this.burst;
  }

  /** Current limit in bytes per second, or null when unlimited. */
  get bytesPerSecond(): number | null {
    return this.rate;
  }

  /** Largest piece granted at a time; pacers split bigger chunks into pieces of this size. */
  get burst(): number {
    if (this.opts.burstBytes !== undefined) return this.opts.burstBytes;
    return Math.max(minBurst, Math.round((this.rate ?? 0) / 10));
  }

  /**
   * Changes the limit (null: unlimited); waiting uploads re-plan with the new rate immediately.
   * With a schedule, it holds until the schedule is next asked (within a second).
   */
  setRate(bytesPerSecond: number | null): void {
    this.refill();
    this.rate = checkRate(bytesPerSecond);
    this.tokens = Math.min(this.tokens, this.burst);
    for (const waker of this.wakers) waker.abort();
  }

  /** Resolves when `bytes` may be sent; rejects with the signal's reason if it is aborted first. */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    this.followSchedule();
    if (this.rate === null) return Promise.resolve();
    const turn = this.queue.then(() => this.consume(bytes, signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async consume(bytes: number, signal?: AbortSignal): Promise<void> {
    let left = bytes;
    while (left > 0) {
      signal?.throwIfAborted();
      this.followSchedule();
      if (this.rate === null) return;
      this.refill();
      const piece = Math.min(left, this.burst);
      // The epsilon absorbs float error from refills, so a wait of exactly the deficit is enough.
      if (this.tokens + 1e-6 >= piece) {
        this.tokens -= piece;
        left -= piece;
        continue;
      }
      const ms = Math.ceil(((piece - this.tokens) * 1000) / this.rate);
      // Wake when the schedule may change the limit, then re-plan with the limit in force.
      await this.wait(Math.max(1, Math.min(ms, this.recheckAt - this.clock.now())), signal);
    }
  }

  /** Applies the schedule's limit once its last answer has expired: a comparison otherwise. */
  private followSchedule(): void {
    const now = this.clock.now();
    if (now < this.recheckAt) return;
    const limit = this.ask(now);
    if (limit !== this.rate) this.setRate(limit);
  }

  /** The schedule's limit at `now`; notes when to ask again. */
  private ask(now: number): number | null {
    if (!this.opts.schedule) return this.rate;
    const { limit, until } = this.opts.schedule(now);
    this.recheckAt = Math.min(until ?? Infinity, now + recheckMs);
    return limit;
  }

  private refill(): void {
    const now = this.clock.now();
    if (this.rate !== null)
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
  }

  /** Sleeps `ms` on the clock, cut short by `setRate` (then the caller re-plans) or by `signal`. */
  private async wait(ms: number, signal?: AbortSignal): Promise<void> {
    const waker = new AbortController();
    const onAbort = () => waker.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.wakers.add(waker);
    try {
      const woken = new Promise<void>((resolve) => waker.signal.addEventListener('abort', () => resolve()));
      await Promise.race([this.clock.sleep(ms, waker.signal).catch(() => undefined), woken]);
    } finally {
      this.wakers.delete(waker);
      signal?.removeEventListener('abort', onAbort);
    }
    signal?.throwIfAborted();
  }
}

function checkRate(bytesPerSecond: number | null): number | null {
  if (bytesPerSecond !== null && !(bytesPerSecond > 0 && Number.isFinite(bytesPerSecond))) {
    throw new RangeError(
      `bandwidth must be a positive number of bytes per second or null, not ${bytesPerSecond}`,
    );
  }
  return bytesPerSecond;
}

/**
 * The one limiter for all uploads from the config's `transfer` section: it follows
 * `bandwidthSchedule` in local time (`offsetFn` gives the wall clock's offset from UTC, in minutes)
 * and `bandwidthLimit` outside its windows. Undefined when neither limits anything.
 */
export function bandwidthLimiterFor(
  transfer: TransferLimits,
  clock: Clock,
  offsetFn: (ms: number) => number = localUtcOffsetMinutes,
): BandwidthLimiter | undefined {
  const windows = transfer.bandwidthSchedule ?? [];
  if (windows.length === 0) {
    return transfer.bandwidthLimit === null
      ? undefined
      : new BandwidthLimiter(clock, transfer.bandwidthLimit);
  }
  if (transfer.bandwidthLimit === null && windows.every((w) => w.limit === null)) return undefined;
  return new BandwidthLimiter(clock, transfer.bandwidthLimit, {
    schedule: (now) => limitAt(transfer, now, offsetFn(now)),
  });
}
