import type { Clock } from '../clock.js';
import type { Job, JobKind } from '../store/queue.js';
import type { Store } from '../store/store.js';

/** What a job handler reports: done, or failed with when to try again. */
export type JobResult = { ok: true } | { ok: false; error: string; retryInMs: number };

export type JobHandler = (job: Job) => Promise<JobResult>;

export interface SchedulerOptions {
  concurrency: number;
  /** Lease on a claimed job; only matters if this process dies without releasing it. */
  leaseMs?: number;
  /** Called once a job's result is in the queue (completed, or failed with its next try). */
  onSettled?: (job: Job) => void;
}

/**
 * Runs queued jobs with bounded concurrency, highest priority first. `run` keeps going until aborted,
 * sleeping until the next job is due or `wake` is called; `drain` stops once nothing is due within
 * `waitMs` (used by `backup --once`).
 */
export class Scheduler {
  private readonly owner = `pid-${process.pid}`;
  private inFlight = new Set<Promise<void>>();
  private wakeUp: (() => void) | undefined;
  /** Set by `wake` so a wake-up between two looks at the queue is never lost. */
  private woken = false;
  private paused = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly handlers: Record<JobKind, JobHandler>,
    private readonly opts: SchedulerOptions,
  ) {}

  /** Something was enqueued: look at the queue now. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.wake();
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.loop(signal, undefined);
  }

  async drain(waitMs = 5000, signal?: AbortSignal): Promise<void> {
    await this.loop(signal ?? new AbortController().signal, waitMs);
  }

  private async loop(signal: AbortSignal, drainWaitMs: number | undefined): Promise<void> {
    while (!signal.aborted) {
      const free = this.opts.concurrency - this.inFlight.size;
      const now = this.clock.now();
      const jobs =
        free > 0 && !this.paused
          ? this.store.queue.claim(this.owner, now, this.opts.leaseMs ?? 3_600_000, free)
          : [];
      for (const job of jobs) this.start(job);
      if (jobs.length > 0 && this.inFlight.size < this.opts.concurrency) continue;
      const next = this.store.queue.nextDue();
      if (
        drainWaitMs !== undefined &&
        this.inFlight.size === 0 &&
        (next === null || next - now > drainWaitMs || this.paused)
      ) {
        return;
      }
      await this.waitForChange(signal, next === null || this.paused ? undefined : Math.max(0, next - now));
    }
    await Promise.all(this.inFlight);
  }

  private start(job: Job): void {
    const handler = this.handlers[job.kind];
    const p = handler(job)
      .catch((err: unknown): JobResult => ({
        ok: false,
        error: (err as Error).message ?? String(err),
        retryInMs: 60_000,
      }))
      .then((result) => {
        const now = this.clock.now();
        if (result.ok) this.store.queue.complete(job.id, now);
        else this.store.queue.fail(job.id, result.error, now + result.retryInMs, now);
        this.opts.onSettled?.(job);
      })
      .finally(() => {
        this.inFlight.delete(p);
        this.wake();
      });
    this.inFlight.add(p);
  }

  /** Waits until a job finishes, `wake` is called, `ms` pass, or the signal aborts. */
  private async waitForChange(signal: AbortSignal, ms: number | undefined): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    const sleeper = new AbortController();
    const stop = () => sleeper.abort();
    signal.addEventListener('abort', stop, { once: true });
    const woken = new Promise<void>((resolve) => (this.wakeUp = resolve));
    const waits: Promise<unknown>[] = [
      woken,
      new Promise((r) => sleeper.signal.addEventListener('abort', r, { once: true })),
    ];
    if (ms !== undefined) waits.push(this.clock.sleep(ms, sleeper.signal).catch(() => undefined));
    await Promise.race(waits);
    sleeper.abort();
    signal.removeEventListener('abort', stop);
    this.wakeUp = undefined;
    this.woken = false;
  }
}

/** Backoff for a failed job: quick at first, never more than 30 minutes between tries. */
export function retryDelay(attempts: number, minMs = 15_000): number {
  return Math.min(30 * 60_000, minMs * 2 ** Math.min(attempts, 10));
}
