import type { MachineInfo } from '../run-info.js';
/**
 * The failover benchmark's result model and the numbers derived from the raw runs: recovery times,
 * total backup times, reads per byte, and the ratios it prints (only ever within one run).
 */
import type { Sample } from '../cases.js';
import type { CorpusSummary } from '../corpus.js';
import { mbps, ratio } from '../format.js';
import type { FailoverOutput } from './worker.js';

/** One row of section 1: a backup of the wedding to `destinations` folders. */
export interface ThroughputRow {
  name: string;
  tool: 'keepsake' | 'rclone';
  destinations: number;
  sample: Sample;
  /** Source bytes / total seconds, 10^6 bytes per second. */
  mbPerSecond: number;
  /** Block-layer reads of the process (GNU time / io) per byte of the wedding. */
  diskReadPerByte: number | null;
  /** Keepsake only: bytes the engine read from the files ('read' events, `run.bytesRead`) per byte. */
  pipelineReadPerByte: number | null;
}

/** Section 1: one destination against three at once. */
export interface ThroughputSection {
  /** Where the destination folders were, its file system, and why. */
  destinationsDir: string;
  destinationsFs: string;
  rows: ThroughputRow[];
  ratios: ThroughputRatios;
}

export interface ThroughputRatios {
  /** Keepsake's source throughput with three destinations over one (1.0: the extra two cost nothing). */
  keepsake3over1: number | null;
  /** rclone's throughput copying three times over once. */
  rclone3over1: number | null;
  /** Time of Keepsake to three at once over rclone copying three times (> 1: Keepsake slower). */
  keepsake3vsRclone3: number | null;
  /** Time of Keepsake to one over rclone copying once. */
  keepsake1vsRclone1: number | null;
}

/** When and how S3 was made to fail (the parent's clock, ms since the epoch). */
export interface Trigger {
  /** Just before the proxy was told to refuse. */
  at: number;
  /** Bytes the proxy had relayed to s3rver then. */
  bytesUp: number;
  /** bytesUp / the wedding's bytes. */
  fraction: number;
}

/** One backup of section 2, clean or with S3 failing. */
export interface FailoverRun {
  name: 'clean' | 'failover';
  ok: boolean;
  problem: string | null;
  /** The worker process: wall seconds (setup and shutdown included), CPU, peak memory. */
  processSeconds: number;
  cpuSeconds: number | null;
  peakRssBytes: number | null;
  trigger: Trigger | null;
  output: FailoverOutput | null;
  /** From `engine.run` to every wedding at target. */
  backupSeconds: number | null;
  mbPerSecond: number | null;
  /** Engine read bytes per byte of the wedding (above 1: files read again to re-copy them). */
  readPerByte: number | null;
  /** status().failovers[0].recoveryMs: first failed call to every wedding at target. */
  recoveryMs: number | null;
  /** Cross-check: from the proxy's refusal (parent clock) to every wedding at target (worker clock). */
  wallRecoveryMs: number | null;
  /** From the refusal to the engine's first failed call. */
  firstFailureMs: number | null;
  /** From the first failed call to S3 declared down. */
  detectionMs: number | null;
  /** Second mark of the failure within the run: from `engine.run` to the refusal. */
  failedAfterSeconds: number | null;
  /** Where the engine's recovery time and the wall-clock cross-check disagree, why; else null. */
  disagreement: string | null;
}

/** Section 2 and its ratio. */
export interface FailoverSection {
  runs: FailoverRun[];
  /** Failover run's backup time over the clean run's (> 1: the failure cost time). */
  ratio: number | null;
  /** The difference, seconds. */
  extraSeconds: number | null;
}

/** Everything the benchmark writes to bench/results/failover.json. */
export interface FailoverResults {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  settings: {
    sizeMb: number;
    failAt: number;
    parts: string[];
    benchDir: string;
    timeoutMinutes: number;
  };
  cachesDropped: boolean;
  tools: { rclone: string | null; gnuTime: boolean; keepsakeCommit: string; servers: string };
  notes: string[];
  corpus: CorpusSummary | null;
  throughput: ThroughputSection | null;
  failover: FailoverSection | null;
}

/** Ratios of section 1 from its rows (n/a when a row is missing or failed). */
export function throughputRatios(rows: ThroughputRow[]): ThroughputRatios {
  const row = (tool: ThroughputRow['tool'], destinations: number) =>
    rows.find((r) => r.tool === tool && r.destinations === destinations && r.sample.ok);
  const k1 = row('keepsake', 1);
  const k3 = row('keepsake', 3);
  const r1 = row('rclone', 1);
  const r3 = row('rclone', 3);
  return {
    keepsake3over1: ratio(k3?.mbPerSecond, k1?.mbPerSecond),
    rclone3over1: ratio(r3?.mbPerSecond, r1?.mbPerSecond),
    keepsake3vsRclone3: ratio(k3?.sample.totalSeconds, r3?.sample.totalSeconds),
    keepsake1vsRclone1: ratio(k1?.sample.totalSeconds, r1?.sample.totalSeconds),
  };
}

/** A row of section 1 from one sample (or the sum of rclone's three). */
export function throughputRow(
  name: string,
  tool: ThroughputRow['tool'],
  destinations: number,
  sample: Sample,
  bytes: number,
): ThroughputRow {
  return {
    name,
    tool,
    destinations,
    sample,
    mbPerSecond: mbps(bytes, sample.totalSeconds),
    diskReadPerByte: sample.diskReadBytes === null ? null : sample.diskReadBytes / bytes,
    pipelineReadPerByte: sample.report ? sample.report.bytesRead / bytes : null,
  };
}

const at = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null);

/**
 * Derives a run's numbers from the worker's output and checks it did what the benchmark needs: every
 * wedding at target; clean: S3 held a copy of every file (so failing it matters) and nothing failed
 * over; failover: S3 was made to fail, the engine recorded the incident on S3 and its recovery.
 */
export function failoverRun(
  name: FailoverRun['name'],
  proc: { seconds: number; cpuSeconds: number | null; peakRssBytes: number | null; problem: string | null },
  output: FailoverOutput | null,
  trigger: Trigger | null,
  corpus: { files: number; bytes: number },
): FailoverRun {
  const incident = output?.failovers.find((f) => f.destination === 'S3') ?? output?.failovers[0] ?? null;
  const backupSeconds =
    output && output.atTargetAt !== null ? (output.atTargetAt - output.startedAt) / 1000 : null;
  const failedAt = at(incident?.failedAt);
  const downAt = at(incident?.downAt);
  const run: FailoverRun = {
    name,
    ok: false,
    problem: null,
    processSeconds: proc.seconds,
    cpuSeconds: proc.cpuSeconds,
    peakRssBytes: proc.peakRssBytes,
    trigger,
    output,
    backupSeconds,
    mbPerSecond: backupSeconds ? mbps(corpus.bytes, backupSeconds) : null,
    readPerByte: output ? output.bytesRead / corpus.bytes : null,
    recoveryMs: incident?.recoveryMs ?? null,
    wallRecoveryMs: trigger && output?.atTargetAt ? output.atTargetAt - trigger.at : null,
    firstFailureMs: trigger && failedAt !== null ? failedAt - trigger.at : null,
    detectionMs: failedAt !== null && downAt !== null ? downAt - failedAt : null,
    failedAfterSeconds: trigger && output ? (trigger.at - output.startedAt) / 1000 : null,
    disagreement: null,
  };
  run.disagreement = disagreement(run, incident?.weddings ?? null);
  run.problem = proc.problem ?? checkRun(name, output, trigger, corpus);
  run.ok = run.problem === null;
  return run;
}

/**
 * Why the engine's recovery time and the wall-clock cross-check differ by more than a second and a
 * tenth, or null. An incident listing no wedding closes at once: the engine counts a wedding as
 * affected only when one of its files was stored at (or placed on) the failed destination, so a
 * failure before any file finished there shows as a recovery of a few milliseconds.
 */
function disagreement(run: FailoverRun, weddings: string[] | null): string | null {
  const { recoveryMs: engine, wallRecoveryMs: wall } = run;
  if (engine === null || wall === null) return null;
  const gap = Math.abs(wall - engine);
  if (gap <= 1000 || gap <= 0.1 * wall) return null;
  const why =
    weddings !== null && weddings.length === 0
      ? 'the engine listed no wedding as affected (none had a file stored at or placed on S3 yet), ' +
        'so it closed the incident at once'
      : 'the engine closed the incident at another moment than every wedding reached its target';
  return `recovery time ${engine} ms, wall clock ${wall} ms: ${why}`;
}

function checkRun(
  name: FailoverRun['name'],
  o: FailoverOutput | null,
  trigger: Trigger | null,
  corpus: { files: number },
): string | null {
  if (!o) return 'the worker printed no result';
  if (o.problem) return o.problem;
  const files = o.weddings.reduce((n, w) => n + w.files, 0);
  const below = o.weddings.reduce((n, w) => n + w.belowTarget, 0);
  if (files !== corpus.files) return `status shows ${files} files, the wedding has ${corpus.files}`;
  if (below > 0) return `${below} file(s) below target at the end`;
  if (name === 'clean') {
    if (o.failovers.length > 0) return `a failover happened in the clean run (${o.failovers[0]!.reason})`;
    if ((o.copies.S3 ?? 0) < corpus.files)
      return `placement put ${o.copies.S3 ?? 0} of ${corpus.files} files on S3: failing S3 would not matter`;
    return null;
  }
  if (!trigger) return 'S3 never received a quarter of the bytes: the proxy was not told to refuse';
  const incident = o.failovers.find((f) => f.destination === 'S3');
  if (!incident) return 'the engine recorded no failover of S3';
  if (incident.recoveryMs === null) return 'the failover of S3 never recovered';
  if ((o.copies.Azure ?? 0) === 0) return 'nothing was re-placed on Azure';
  return null;
}

/** Section 2's ratio and extra time, from its two runs (null when either failed). */
export function failoverSection(runs: FailoverRun[]): FailoverSection {
  const clean = runs.find((r) => r.name === 'clean' && r.ok);
  const failed = runs.find((r) => r.name === 'failover' && r.ok);
  const r = ratio(failed?.backupSeconds, clean?.backupSeconds);
  return {
    runs,
    ratio: r,
    extraSeconds:
      r === null || !failed?.backupSeconds || !clean?.backupSeconds
        ? null
        : failed.backupSeconds - clean.backupSeconds,
  };
}
