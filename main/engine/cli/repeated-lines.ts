/**
 * Prints a problem once and counts its repeats: a line whose `reason` was printed in the last
 * `windowMs` is not printed again; `flush` (every half minute, and at the end) prints one line per
 * reason with how many more times it happened. A cut line to a cloud then makes one line a minute,
 * not one per file and attempt.
 */
export class RepeatedLines {
  private readonly printedAt = new Map<string, number>();
  private readonly repeats = new Map<string, number>();

  constructor(
    private readonly print: (line: string) => void,
    private readonly now: () => number,
    private readonly windowMs = 60_000,
  ) {}

  /**
   * Prints `line` unless `reason` was printed within the window; then it is counted. Numbers in the
   * reason (seconds to the next try, a count of tries) do not make it another reason.
   */
  report(reasonText: string, line: string): void {
    const reason = reasonText.replace(/\b\d+(\.\d+)?\b/g, 'N');
    const at = this.printedAt.get(reason);
    const now = this.now();
    if (at !== undefined && now - at < this.windowMs) {
      this.repeats.set(reason, (this.repeats.get(reason) ?? 0) + 1);
      return;
    }
    this.printedAt.set(reason, now);
    this.print(line);
  }

  /** One line per reason that repeated since the last flush. */
  flush(): void {
    for (const [reason, n] of this.repeats)
      this.print(`  ...and ${n} more time${n === 1 ? '' : 's'}: ${reason}`);
    this.repeats.clear();
  }
}
