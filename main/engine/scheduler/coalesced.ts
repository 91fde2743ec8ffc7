export interface CoalescedOptions {
  /** Wait after the first change of a burst before running, so the burst is taken in one run. */
  delayMs: number;
  /** The most of the time the task may take: after a run of d ms, the next starts d × (1 / share − 1) later at the soonest. */
  busyShare: number;
}

/**
 * Runs an async task after changes, coalescing bursts: one run at a time, a change during a run
 * causes exactly one more run after it, and a slow task is spaced out so it never takes more than
 * `busyShare` of the time. The API uses it for status events: with 100,000 files a status takes about
 * a second and files finish many times a second, so one status per file would stall the engine.
 */
export class Coalesced {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private again = false;
  private closed = false;
  private lastMs = 0;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly opts: CoalescedOptions,
  ) {}

  /** Something changed: a run that starts after this call follows soon. */
  signal(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const spacing = this.lastMs * (1 / this.opts.busyShare - 1);
    this.timer = setTimeout(() => void this.run(), Math.max(this.opts.delayMs, spacing));
  }

  /** No more runs; one in progress finishes. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    const started = performance.now();
    try {
      await this.task();
    } catch {
      // The task reports its own failures; a failed run is like a skipped one.
    } finally {
      this.lastMs = performance.now() - started;
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      this.signal();
    }
  }
}
