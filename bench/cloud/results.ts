/**
 * The cloud benchmark's result model (bench/cloud/results/latest.json), the Keepsake/rclone ratios
 * and the part-size recommendation derived from the sweep. Ratios only compare runs of one invocation.
 */
import type { CaseResult } from '../cases.js';
import type { CorpusSummary } from '../corpus.js';
import { ratio } from '../format.js';
import type { ServerKind } from './servers.js';
import type { SweepRow } from './sweep.js';

/** Keepsake against rclone on one emulator. */
export interface ServerComparison {
  server: ServerKind;
  /** `keepsake backup --once` and `rclone copy`, each to a fresh bucket/container. */
  cases: CaseResult[];
  /** The emulator's CPU seconds during each case's median sample, by case name. */
  serverCpuSeconds: Record<string, number | null>;
  /** Objects and bytes each case left in its bucket (rclone size), by case name. */
  stored: Record<string, { count: number; bytes: number } | null>;
  /** Process-time ratio keepsake / rclone (> 1: Keepsake slower); null when either failed. */
  keepsakeVsRclone: number | null;
  /** Peak RSS ratio keepsake / rclone. */
  memoryKeepsakeVsRclone: number | null;
  /** Process-time ratio of the encrypted Keepsake run / rclone, when it ran. */
  encryptedVsRclone: number | null;
}

/** The sweep of one emulator and what it suggests. */
export interface SweepSection {
  server: ServerKind;
  /** What the destination calls the two knobs. */
  knobs: string;
  rows: SweepRow[];
  /** How far apart the default's runs were: (max - min) / mean of its MB/s. */
  noise: number | null;
  recommendation: Recommendation;
}

export interface Recommendation {
  partMiB: number;
  inFlight: number;
  /** True when the engine's default is the recommendation. */
  keepDefault: boolean;
  /** Configurations within this fraction of the fastest count as equally fast. */
  band: number;
  text: string;
}

export interface CloudResults {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    kernel: string;
    node: string;
    loadAverageStart: number[];
    loadAverageEnd: number[];
  };
  settings: {
    sizeGb: number;
    sweepGb: number;
    sweepRounds: number;
    repeat: number;
    parts: string[];
    servers: string[];
    filesAtOnce: number;
    /** Whether encrypted Keepsake rows ran. */
    encrypted: boolean;
    s3PartsMiB: number[];
    azureBlocksMiB: number[];
    inFlight: number[];
  };
  cachesDropped: boolean;
  tools: { rclone: string | null; gnuTime: boolean; keepsakeCommit: string; servers: string };
  notes: string[];
  corpus: CorpusSummary | null;
  comparisons: ServerComparison[];
  sweepCorpus: CorpusSummary | null;
  sweeps: SweepSection[];
}

/** Names of the comparison's rows. */
export const CASES = {
  keepsake: 'keepsake backup --once',
  keepsakeEncrypted: 'keepsake, encrypted',
  rclone: 'rclone copy',
} as const;

const okSeconds = (c: CaseResult | undefined): number | null =>
  c && c.samples.every((s) => s.ok) ? c.median.seconds : null;

/** Keepsake / rclone on process time and on peak memory, unencrypted and encrypted. */
export function comparisonRatios(
  cases: CaseResult[],
  names: typeof CASES,
): Pick<ServerComparison, 'keepsakeVsRclone' | 'memoryKeepsakeVsRclone' | 'encryptedVsRclone'> {
  const find = (name: string) => cases.find((c) => c.name === name);
  const rc = find(names.rclone);
  const peak = (c: CaseResult | undefined) => c?.median.peakRssBytes ?? c?.median.vmHwmBytes ?? null;
  const enc = find(names.keepsakeEncrypted);
  return {
    keepsakeVsRclone: ratio(okSeconds(find(names.keepsake)), okSeconds(rc)),
    memoryKeepsakeVsRclone: ratio(peak(find(names.keepsake)), peak(rc)),
    encryptedVsRclone: enc ? ratio(okSeconds(enc), okSeconds(rc)) : null,
  };
}

/** The spread of the default's runs, (max - min) / mean MB/s: how much the machine drifted. */
export function noiseOf(rows: SweepRow[]): number | null {
  const v =
    rows
      .find((r) => r.isDefault)
      ?.samples.filter((s) => s.ok)
      .map((s) => s.mbPerSecond) ?? [];
  if (v.length < 2) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return (Math.max(...v) - Math.min(...v)) / mean;
}

const MIN_BAND = 0.1;

/**
 * Picks part size and parts in flight from a sweep. Configurations within `band` of the fastest
 * (10 %, or the spread of the default's runs when the machine was noisier than that) are equally fast;
 * among them the engine's default is kept when it is one, else the one holding the least memory
 * per upload (part × (in flight + 1)), more in flight first on a tie, since more parts in flight
 * hide the round trip to a real region, which loopback cannot show.
 */
export function recommend(
  rows: SweepRow[],
  defaults: { partMiB: number; inFlight: number },
  noise: number | null,
  knobs: string,
): Recommendation {
  const grid = rows.filter((r) => r.mbPerSecond !== null);
  const band = Math.max(MIN_BAND, noise ?? 0);
  const label = (r: { partMiB: number; inFlight: number }) => `${r.partMiB} MiB x ${r.inFlight}`;
  if (grid.length === 0) {
    return {
      ...defaults,
      keepDefault: true,
      band,
      text: `No configuration succeeded: nothing measured, the default ${label(defaults)} stays.`,
    };
  }
  const best = grid.reduce((a, b) => (b.mbPerSecond! > a.mbPerSecond! ? b : a));
  const near = grid.filter((r) => r.mbPerSecond! >= best.mbPerSecond! * (1 - band));
  const def = near.find((r) => r.partMiB === defaults.partMiB && r.inFlight === defaults.inFlight);
  const pick =
    def ??
    [...near].sort(
      (a, b) => a.bufferBytes - b.bufferBytes || b.inFlight - a.inFlight || b.partMiB - a.partMiB,
    )[0]!;
  const defRow = grid.find((r) => r.partMiB === defaults.partMiB && r.inFlight === defaults.inFlight);
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const why =
    `Fastest: ${label(best)} at ${best.mbPerSecond!.toFixed(1)} MB/s; ${near.length} of ${grid.length} ` +
    `configurations are within ${pct(band)} of it (${noise === null ? 'the noise is unknown: the default ran fewer than twice' : `the default's ${defRow?.samples.length ?? 0} runs spread over ${pct(noise)}`}).`;
  const text = def
    ? `${why} The default ${label(defaults)} (${defRow?.mbPerSecond?.toFixed(1)} MB/s) is among them: keep ${knobs} at ${label(defaults)}.`
    : `${why} The default ${label(defaults)} ${defRow?.mbPerSecond ? `(${defRow.mbPerSecond.toFixed(1)} MB/s) is not` : 'did not finish'}; ` +
      `of the fast ones ${label(pick)} holds the least memory per upload (${(pick.bufferBytes / 1024 / 1024).toFixed(0)} MiB of buffers): set ${knobs} to ${label(pick)}.`;
  return { partMiB: pick.partMiB, inFlight: pick.inFlight, keepDefault: def !== undefined, band, text };
}
