import type { Clock } from '../clock.js';

/**
 * A sleep on the Clock that another part of the code can cut short: a loop sleeps until its next
 * due time, and a new fact (a failure, a new incident) wakes it to plan again.
 */
export class WakeableSleep {
  private waker: AbortController | undefined;

  constructor(private readonly clock: Clock) {}

  /** Sleeps `ms` on the clock, or until `wake()` is called or `signal` aborts. Never rejects. */
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    const waker = new AbortController();
    this.waker = waker;
    const onAbort = () => waker.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const woken = new Promise<void>((resolve) =>
      waker.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    try {
      await Promise.race([this.clock.sleep(ms, waker.signal).catch(() => undefined), woken]);
    } finally {
      // Aborting cancels the timer of a clock that honours the signal (the system clock does).
      waker.abort();
      signal?.removeEventListener('abort', onAbort);
      if (this.waker === waker) this.waker = undefined;
    }
  }

  /** Ends the current sleep, if any. */
  wake(): void {
    this.waker?.abort();
  }
}
