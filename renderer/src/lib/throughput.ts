/**
 * Upload speed from samples of the bytes still to back up: the bytes that left the queue over the
 * last `windowMs`, per second. New work arriving (the pending amount growing) is not counted as
 * negative speed.
 */
export class Throughput {
  private samples: { at: number; done: number }[] = [];
  private done = 0;
  private lastPending: number | null = null;

  constructor(private readonly windowMs = 60_000) {}

  /** Records the bytes pending at `at` (ms). */
  pending(bytes: number, at: number): void {
    if (this.lastPending !== null && bytes < this.lastPending) this.done += this.lastPending - bytes;
    this.lastPending = bytes;
    this.samples.push({ at, done: this.done });
    while (this.samples.length > 2 && this.samples[0]!.at < at - this.windowMs) this.samples.shift();
  }

  /** Records bytes read directly (the engine's `progress` events), at `at` (ms). */
  read(bytes: number, at: number): void {
    this.done += bytes;
    this.samples.push({ at, done: this.done });
    while (this.samples.length > 2 && this.samples[0]!.at < at - this.windowMs) this.samples.shift();
  }

  /** Bytes per second over the window, or null until two samples some time apart exist. */
  bytesPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 1000) return null;
    return ((last.done - first.done) * 1000) / (last.at - first.at);
  }

  /** Seconds until `pendingBytes` are done at the current speed, or null when unknown. */
  eta(pendingBytes: number): number | null {
    const speed = this.bytesPerSecond();
    if (pendingBytes === 0) return 0;
    return speed && speed > 0 ? pendingBytes / speed : null;
  }
}
