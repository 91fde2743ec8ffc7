/**
 * What a backup's progress line says, in photo bytes: the total is what the scan found to send (it
 * grows only when new work appears), done is the total minus what is still pending, and neither the
 * bytes done nor the percentage ever goes back. Time left comes from the last 10 seconds' speed and
 * is unknown while nothing moves (a destination down, a slow start).
 */
export class PhotoProgress {
  private total = 0;
  private done = 0;
  private readonly samples: { at: number; done: number }[] = [];

  /** Takes the engine's pending photo bytes at `nowMs`; returns the line's numbers. */
  update(pending: number, nowMs: number): { done: number; total: number; etaSeconds: number | null } {
    if (pending + this.done > this.total) this.total = pending + this.done;
    this.done = Math.max(this.done, this.total - pending);
    this.samples.push({ at: nowMs, done: this.done });
    while (this.samples.length > 2 && nowMs - this.samples[0]!.at > 10_000) this.samples.shift();
    const first = this.samples[0]!;
    const rate = nowMs > first.at ? (this.done - first.done) / ((nowMs - first.at) / 1000) : 0;
    const left = this.total - this.done;
    return {
      done: this.done,
      total: this.total,
      etaSeconds: left === 0 ? 0 : rate > 0 ? Math.ceil(left / rate) : null,
    };
  }
}

/** `42 s`, `3 min`, `1 h 20 min`, or `unknown`. */
export function formatEta(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  if (seconds < 60) return `${seconds} s`;
  const min = Math.round(seconds / 60);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}
