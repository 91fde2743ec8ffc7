import { ManualClock } from '../../../clock.js';

/**
 * A ManualClock that knows who is asleep, so a test can run real work (files, streams) to completion
 * while time jumps straight to each next wake-up: clock time then passes only while something waits
 * on the clock, and timings come out exact. It also keeps every sleep asked for, in order.
 */
export class SteppingClock extends ManualClock {
  /** Every `sleep(ms)` requested, in order. */
  readonly sleeps: number[] = [];
  private readonly pending = new Set<{ at: number }>();

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    const entry = { at: this.now() + ms };
    this.pending.add(entry);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(entry);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void super.sleep(ms).then(() => {
        if (!this.pending.delete(entry)) return;
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** Number of sleeps not yet over. */
  get sleeping(): number {
    return this.pending.size;
  }

  /**
   * Awaits `work`, and whenever it is not done after a turn of the event loop while something sleeps,
   * advances the clock to the earliest wake-up.
   */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const settled = work.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done) {
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 1))]);
      if (done) break;
      let next = Infinity;
      for (const entry of this.pending) next = Math.min(next, entry.at);
      if (next !== Infinity) this.advance(Math.max(0, next - this.now()));
    }
    return work;
  }
}
