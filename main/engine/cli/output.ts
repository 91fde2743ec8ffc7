import { SingleBar } from 'cli-progress';

/** Human-readable byte counts: 1.5 GB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A table with left-aligned columns, for terminal output. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A progress bar with ETA on a terminal; silent when output is piped or JSON. */
export function progressBar(
  enabled: boolean,
  label: string,
  /** The caller gives the time left as the `timeLeft` payload (cli-progress's own estimate otherwise). */
  opts: { eta?: 'payload' } = {},
): {
  start(total: number): void;
  update(value: number, payload?: Record<string, string>): void;
  setTotal(total: number): void;
  stop(): void;
} {
  if (!enabled || !process.stderr.isTTY) {
    return { start() {}, update() {}, setTotal() {}, stop() {} };
  }
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {done} of {all} | ${opts.eta === 'payload' ? '{timeLeft} left' : 'ETA {eta_formatted}'} | {what}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    fps: 5,
    barCompleteChar: '#',
    barIncompleteChar: '.',
  });
  let total = 0;
  return {
    start(t) {
      total = t;
      bar.start(Math.max(1, t), 0, {
        done: formatBytes(0),
        all: t > 0 ? formatBytes(t) : 'what the scan finds',
        what: '',
        timeLeft: 'unknown',
      });
    },
    update(value, payload = {}) {
      bar.update(Math.min(value, total), {
        done: formatBytes(value),
        all: total > 0 ? formatBytes(total) : 'what the scan finds',
        what: '',
        ...payload,
      });
    },
    setTotal(t) {
      total = t;
      bar.setTotal(Math.max(1, t));
    },
    stop() {
      bar.stop();
    },
  };
}
