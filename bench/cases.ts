/**
 * The benchmark's measured cases: one sample is one cold-cache (or warm) run of one tool, checked for
 * success; a case is its samples and the median one, which the report uses.
 */
import { mbps } from './format.js';
import type { KeepsakeRun } from './keepsake.js';
import type { Measured } from './measure.js';

/** One run of one tool. */
export interface Sample {
  seconds: number;
  /** The `sync` right after the run: dirty data the tool left for the kernel to write. */
  syncSeconds: number;
  totalSeconds: number;
  exitCode: number | null;
  peakRssBytes: number | null;
  diskReadBytes: number | null;
  diskWriteBytes: number | null;
  cpuSeconds: number | null;
  ok: boolean;
  problem: string | null;
  /** Keepsake only: the CLI's own /proc/self/io and VmHWM at exit, and its --json run report. */
  io?: KeepsakeRun['io'];
  vmHwmBytes?: number | null;
  report?: KeepsakeRun['report'];
}

/** A measured case: every sample and the median one (by total time). */
export interface CaseResult {
  name: string;
  tool: 'cp' | 'rclone' | 'restic' | 'keepsake';
  /** Bytes and files in the tree the case copies (or rescans). */
  bytes: number;
  files: number;
  cache: 'cold' | 'warm';
  samples: Sample[];
  median: Sample;
  /** bytes / median total seconds, in 10^6 bytes per second. */
  mbPerSecond: number;
}

/** Turns a measured process into a sample; `check` returns a problem or null. */
export function toSample(
  m: Measured | KeepsakeRun,
  syncSeconds: number,
  check: (m: Measured | KeepsakeRun) => string | null,
): Sample {
  const problem = m.timedOut
    ? `timed out after ${m.seconds.toFixed(0)} s`
    : m.exitCode !== 0
      ? `exit ${m.exitCode ?? m.signal}: ${m.stderr.trim().split('\n').slice(-3).join(' | ')}`
      : check(m);
  const s: Sample = {
    seconds: m.seconds,
    syncSeconds,
    totalSeconds: m.seconds + syncSeconds,
    exitCode: m.exitCode,
    peakRssBytes: m.peakRssBytes,
    diskReadBytes: m.diskReadBytes,
    diskWriteBytes: m.diskWriteBytes,
    cpuSeconds: m.cpuSeconds,
    ok: problem === null,
    problem,
  };
  if ('io' in m) {
    s.io = m.io;
    s.vmHwmBytes = m.vmHwmBytes;
    s.report = m.report;
  }
  return s;
}

/** Gathers samples into a case, picking the median sample by total time. */
export function toCase(
  name: string,
  tool: CaseResult['tool'],
  tree: { bytes: number; files: number },
  cache: CaseResult['cache'],
  samples: Sample[],
): CaseResult {
  const sorted = [...samples].sort((a, b) => a.totalSeconds - b.totalSeconds);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    name,
    tool,
    bytes: tree.bytes,
    files: tree.files,
    cache,
    samples,
    median,
    mbPerSecond: mbps(tree.bytes, median.totalSeconds),
  };
}

/**
 * One sample standing for consecutive runs that together did one job (a first backup made in
 * batches): times, CPU, reads and processed files add up; peak memory is the largest; the index
 * state (files, all protected) is the last run's.
 */
export function sumSamples(samples: Sample[]): Sample {
  const last = samples.at(-1)!;
  const total = (f: (s: Sample) => number | null | undefined): number | null =>
    samples.some((s) => f(s) === null || f(s) === undefined) ? null : samples.reduce((a, s) => a + f(s)!, 0);
  const most = (f: (s: Sample) => number | null | undefined): number | null =>
    samples.some((s) => f(s) === null || f(s) === undefined) ? null : Math.max(...samples.map((s) => f(s)!));
  const failed = samples.find((s) => !s.ok);
  const out: Sample = {
    seconds: total((s) => s.seconds) ?? 0,
    syncSeconds: total((s) => s.syncSeconds) ?? 0,
    totalSeconds: total((s) => s.totalSeconds) ?? 0,
    exitCode: failed?.exitCode ?? last.exitCode,
    peakRssBytes: most((s) => s.peakRssBytes),
    diskReadBytes: total((s) => s.diskReadBytes),
    diskWriteBytes: total((s) => s.diskWriteBytes),
    cpuSeconds: total((s) => s.cpuSeconds),
    ok: !failed,
    problem: failed?.problem ?? null,
  };
  if (samples.every((s) => s.io)) {
    out.io = {
      readBytes: total((s) => s.io?.readBytes) ?? 0,
      rchar: total((s) => s.io?.rchar) ?? 0,
      writeBytes: total((s) => s.io?.writeBytes) ?? 0,
      wchar: total((s) => s.io?.wchar) ?? 0,
    };
  }
  out.vmHwmBytes = most((s) => s.vmHwmBytes);
  if (samples.every((s) => s.report) && last.report) {
    out.report = {
      filesProcessed: total((s) => s.report?.filesProcessed) ?? 0,
      bytesRead: total((s) => s.report?.bytesRead) ?? 0,
      engineSeconds: total((s) => s.report?.engineSeconds) ?? 0,
      allProtected: last.report.allProtected,
      files: last.report.files,
    };
  }
  return out;
}
