/** What a benchmark run reads about itself: its numeric settings and the Keepsake code it measures. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';

/** The positive number in environment variable `name`, or `fallback` when it is unset or empty. */
export function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return v;
}

/**
 * The short commit of the checkout at `repoRoot`, with `+uncommitted changes` when main/ or shared/
 * differ from it (the numbers then belong to no commit); `unknown` without git.
 */
export function keepsakeCommit(repoRoot: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync(
      'git',
      ['--no-optional-locks', 'status', '--porcelain', '--', 'main', 'shared'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    ).trim();
    return dirty ? `${head}+uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

/** The machine a benchmark ran on, as every results file records it. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  kernel: string;
  node: string;
  /** The file system the data was read from, when the bench knows it. */
  filesystem?: string;
  loadAverageStart: number[];
  loadAverageEnd: number[];
}

/** Reads the machine now (the end of the run): CPUs, memory, kernel, Node, load averages. */
export function machineInfo(loadAverageStart: number[], filesystem?: string): MachineInfo {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    kernel: release(),
    node: process.version,
    ...(filesystem === undefined ? {} : { filesystem }),
    loadAverageStart,
    loadAverageEnd: loadavg(),
  };
}

/** The note every results file carries when the machine was busy at the start, else nothing. */
export function busyNote(loadAverageStart: number[]): string[] {
  return Math.max(...loadAverageStart) > 0.5
    ? [
        `the machine was not idle at the start (load ${loadAverageStart.map((x) => x.toFixed(2)).join(' ')}): ` +
          'other work shares the CPUs and disk, so compare only ratios within this run',
      ]
    : [];
}

/**
 * Cold starts: each drops the page cache, then runs `warm` (reloads the program about to run, so only
 * the data is cold). When the cache cannot be dropped, `note` is added to `notes` once and `dropped`
 * stays false for the results file.
 */
export class ColdStarts {
  dropped = true;
  constructor(
    private readonly dropCaches: () => { dropped: boolean; note?: string },
    private readonly notes: string[],
    private readonly note: string,
  ) {}

  run(warm: () => void): void {
    const d = this.dropCaches();
    if (!d.dropped && this.dropped) {
      this.dropped = false;
      this.notes.push(`${d.note ?? 'caches not dropped'}: ${this.note}`);
    }
    warm();
  }
}
