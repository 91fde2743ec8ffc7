/**
 * Runs at most `limit` async tasks at once (the parts of a multipart upload or copy). The first
 * failure cancels the others through the shared signal and is thrown by the next `add` or `drain`.
 */
export class BoundedTasks {
  private readonly running = new Set<Promise<void>>();
  private failure: { err: unknown } | undefined;
  private readonly controller = new AbortController();
  /** Aborted when a task fails, `cancel` is called, or the caller's signal aborts. */
  readonly signal: AbortSignal;

  constructor(
    private readonly limit: number,
    outer?: AbortSignal,
  ) {
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
  }

  /** Starts `task` once fewer than `limit` are running; throws the first failure of any task. */
  async add(task: (signal: AbortSignal) => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit && !this.failure) await Promise.race(this.running);
    this.throwIfFailed();
    const tracked: Promise<void> = task(this.signal).then(
      () => {
        this.running.delete(tracked);
      },
      (err: unknown) => {
        this.running.delete(tracked);
        this.failure ??= { err };
        this.controller.abort();
      },
    );
    this.running.add(tracked);
  }

  /** Waits for every started task; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.running);
    this.throwIfFailed();
  }

  /** The first error a task failed with, if any: the real reason when the signal cut other work short. */
  get firstFailure(): unknown {
    return this.failure?.err;
  }

  /** Aborts the running tasks and waits until they have all settled. Never throws. */
  async cancel(): Promise<void> {
    this.controller.abort();
    await Promise.all(this.running);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.err;
  }
}
