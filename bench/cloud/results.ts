import type { MachineInfo } from '../run-info.js';
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
  /** How far apart the default's runs were: (max - min) / mean of their MB/s and CPU per GB. */
  noise: { mbPerSecond: number | null; cpuPerGb: number | null };
  recommendation: Recommendation;
}

export interface Recommendation {
  partMiB: number;
  inFlight: number;
  /** True when the engine's default is the recommendation. */
  keepDefault: boolean;
  /** Configurations within this fraction of the fastest count as equally fast. */
  band: number;
  /** ... and within this fraction of the cheapest CPU per GB as equally cheap. */
  cpuBand: number;
  text: string;
}

export interface CloudResults {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
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

/** (max - min) / mean of the values, or null with fewer than two. */
function spread(v: number[]): number | null {
  if (v.length < 2) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return (Math.max(...v) - Math.min(...v)) / mean;
}

/**
 * How much the default's own runs differed, in MB/s and in CPU per GB: (max - min) / mean. The
 * machine's drift and noise; a difference between configurations smaller than this says nothing.
 */
export function noiseOf(rows: SweepRow[]): { mbPerSecond: number | null; cpuPerGb: number | null } {
  const ok = rows.find((r) => r.isDefault)?.samples.filter((s) => s.ok) ?? [];
  return {
    mbPerSecond: spread(ok.map((s) => s.mbPerSecond)),
    cpuPerGb: spread(ok.flatMap((s) => (s.cpuPerGb === null ? [] : [s.cpuPerGb]))),
  };
}

const MIN_BAND = 0.1;

/**
 * Picks part size and parts in flight from a sweep. A change needs evidence, so the default is
 * judged by its best run (every other configuration ran once per round), then:
 * 1. Equally fast: within 10 % of the fastest MB/s, or within the spread of the default's own runs
 *    when the machine was noisier than that (a difference smaller than the noise says nothing).
 * 2. Of those, equally cheap: client + server CPU per GB within 10 % (or its noise) of the cheapest of
 *    them (on loopback both ends are CPU-bound; CPU per GB depends less on other work than MB/s).
 * 3. Of those, the engine's default when it is one, else the one holding the least memory per upload
 *    (part × (in flight + 1)), more in flight first on a tie, since parts in flight hide the round
 *    trip to a real region, which loopback cannot show.
 */
export function recommend(
  rows: SweepRow[],
  defaults: { partMiB: number; inFlight: number },
  noise: { mbPerSecond: number | null; cpuPerGb: number | null },
  knobs: string,
): Recommendation {
  const band = Math.max(MIN_BAND, noise.mbPerSecond ?? 0);
  const cpuBand = Math.max(MIN_BAND, noise.cpuPerGb ?? 0);
  const label = (r: { partMiB: number; inFlight: number }) => `${r.partMiB} MiB x ${r.inFlight}`;
  const isDefault = (r: { partMiB: number; inFlight: number }) =>
    r.partMiB === defaults.partMiB && r.inFlight === defaults.inFlight;
  // Each configuration's figures for the decision: the default's best run, the others' median.
  const scored = rows.flatMap((r) => {
    const ok = r.samples.filter((x) => x.ok);
    if (ok.length === 0 || r.mbPerSecond === null) return [];
    const cpus = ok.flatMap((x) => (x.cpuPerGb === null ? [] : [x.cpuPerGb]));
    return [
      {
        row: r,
        mbps: isDefault(r) ? Math.max(...ok.map((x) => x.mbPerSecond)) : r.mbPerSecond,
        cpu: isDefault(r) ? (cpus.length ? Math.min(...cpus) : null) : r.cpuPerGb,
      },
    ];
  });
  if (scored.length === 0) {
    return {
      ...defaults,
      keepDefault: true,
      band,
      cpuBand,
      text: `No configuration succeeded: nothing measured, the default ${label(defaults)} stays.`,
    };
  }
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const best = scored.reduce((a, b) => (b.mbps > a.mbps ? b : a));
  const fast = scored.filter((x) => x.mbps >= best.mbps * (1 - band));
  const costed = fast.filter((x) => x.cpu !== null);
  const cheapest = costed.length ? costed.reduce((a, b) => (b.cpu! < a.cpu! ? b : a)) : undefined;
  const cheap = cheapest ? costed.filter((x) => x.cpu! <= cheapest.cpu! * (1 + cpuBand)) : fast;
  const def = cheap.find((x) => isDefault(x.row));
  const pick = (
    def ??
    [...cheap].sort(
      (a, b) =>
        a.row.bufferBytes - b.row.bufferBytes ||
        b.row.inFlight - a.row.inFlight ||
        b.row.partMiB - a.row.partMiB,
    )[0]!
  ).row;
  const defScore = scored.find((x) => isDefault(x.row));
  const runs = defScore?.row.samples.length ?? 0;
  const why =
    `Fastest: ${label(best.row)} at ${best.mbps.toFixed(1)} MB/s${isDefault(best.row) ? ' (its best run)' : ''}; ` +
    `${fast.length} of ${scored.length} configurations are within ${pct(band)} of it (` +
    (noise.mbPerSecond === null
      ? 'the noise is unknown: the default ran fewer than twice'
      : `the default's ${runs} runs spread over ${pct(noise.mbPerSecond)}`) +
    ').' +
    (cheapest
      ? ` Of those, the cheapest in CPU is ${label(cheapest.row)} at ${cheapest.cpu!.toFixed(1)} CPU s/GB ` +
        `(client + server); ${cheap.length} within ${pct(cpuBand)} of that` +
        (noise.cpuPerGb !== null ? ` (the default's runs spread over ${pct(noise.cpuPerGb)} in CPU)` : '') +
        '.'
      : '');
  const defText = defScore
    ? `The default ${label(defaults)} (best run ${defScore.mbps.toFixed(1)} MB/s` +
      (defScore.cpu !== null ? `, ${defScore.cpu.toFixed(1)} CPU s/GB` : '') +
      ')'
    : `The default ${label(defaults)} (no successful run)`;
  const text = def
    ? `${why} ${defText} is among them: keep ${knobs} at ${label(defaults)}.`
    : `${why} ${defText} is not among them; of those that are, ${label(pick)} holds the least memory ` +
      `per upload (${(pick.bufferBytes / 1024 / 1024).toFixed(0)} MiB of buffers): set ${knobs} to ${label(pick)}.`;
  return {
    partMiB: pick.partMiB,
    inFlight: pick.inFlight,
    keepDefault: def !== undefined,
    band,
    cpuBand,
    text,
  };
}
