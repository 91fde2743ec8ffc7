import type { Clock } from '../../clock.js';

export interface BandwidthOptions {
  /**
   * Bytes that may pass at once after an idle spell, and the largest piece granted at a time.
   * Default: the larger of 64 KiB and 100 ms worth of the rate.
   */
  burstBytes?: number;
}

const minBurst = 64 * 1024;

/**
 * A token bucket over bytes, shared by every upload it paces: one limiter given to all destinations
 * makes a global limit. Waiters are served first come, first served, so a big upload cannot starve a
 * small one. Time comes from the Clock (it awaits `clock.sleep`), so ManualClock tests are exact.
 * `setRate` changes the limit at once, also for uploads already waiting (a schedule can open or close it).
 */
export class BandwidthLimiter {
  private rate: number | null;
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly wakers = new Set<AbortController>();

  constructor(
    private readonly clock: Clock,
    bytesPerSecond: number | null,
    private readonly opts: BandwidthOptions = {},
  ) {
    this.rate = checkRate(bytesPerSecond);
    this.last = clock.now();
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

  /** Changes the limit (null: unlimited); waiting uploads re-plan with the new rate immediately. */
  setRate(bytesPerSecond: number | null): void {
    this.refill();
    this.rate = checkRate(bytesPerSecond);
    this.tokens = Math.min(this.tokens, this.burst);
    for (const waker of this.wakers) waker.abort();
  }

  /** Resolves when `bytes` may be sent; rejects with the signal's reason if it is aborted first. */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.rate === null) return Promise.resolve();
    const turn = this.queue.then(() => this.consume(bytes, signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async consume(bytes: number, signal?: AbortSignal): Promise<void> {
    let left = bytes;
    while (left > 0) {
      signal?.throwIfAborted();
      if (this.rate === null) return;
      this.refill();
      const piece = Math.min(left, this.burst);
      // The epsilon absorbs float error from refills, so a wait of exactly the deficit is enough.
      if (this.tokens + 1e-6 >= piece) {
        this.tokens -= piece;
        left -= piece;
        continue;
      }
      await this.wait(Math.ceil(((piece - this.tokens) * 1000) / this.rate), signal);
    }
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
