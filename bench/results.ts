import type { MachineInfo } from './run-info.js';
/**
 * The benchmark's result model (written as bench/results/latest.json) and the ratios derived from
 * it. Every ratio compares runs of the same benchmark invocation, never numbers from another run.
 */
import type { CaseResult, Sample } from './cases.js';
import type { CorpusSummary } from './corpus.js';
import { ratio } from './format.js';

export interface BackupSection {
  corpus: CorpusSummary;
  generateSeconds: number;
  cases: CaseResult[];
  ratios: {
    /** Time ratios including the trailing sync (durable copy); > 1 means Keepsake is slower. */
    keepsakeVsCp: number | null;
    keepsakeVsRclone: number | null;
    /** The same, timing the tool alone (cp and rclone do not fsync; Keepsake does). */
    keepsakeVsCpToolOnly: number | null;
    keepsakeVsRcloneToolOnly: number | null;
    /** Against `restic backup` into a new local repository (restic fsyncs its packs too). */
    keepsakeVsRestic: number | null;
    /** Throughput (source MB/s) of two vaults over one vault: 1.0 means the fan-out costs nothing. */
    twoVaultsVsOneThroughput: number | null;
  };
}

export interface RescanSection {
  corpus: CorpusSummary;
  generateSeconds: number;
  /** Keepsake's first backup was made in runs of this many new files each. */
  batchSize: number;
  /** Each of those runs (the `initial` Keepsake case is their sum). */
  initialBatches: Sample[];
  /** The first backup / copy of the small-file tree (needed before a no-change rerun). */
  initial: CaseResult[];
  /** No-change reruns, cold and warm cache. */
  rescans: CaseResult[];
  ratios: {
    coldVsRcloneCopy: number | null;
    warmVsRcloneCopy: number | null;
    coldVsRcloneCheck: number | null;
    warmVsRcloneCheck: number | null;
    initialVsRcloneCopy: number | null;
    /** First backup against `restic backup` of the same tree into a new repository (with sync). */
    initialVsRestic: number | null;
    /** No-change rerun against restic's (which reads its parent snapshot and compares metadata). */
    coldVsResticRerun: number | null;
    warmVsResticRerun: number | null;
  };
}

export interface MemoryRow {
  scenario: string;
  keepsakeBytes: number | null;
  rcloneBytes: number | null;
  /** Keepsake peak RSS / rclone peak RSS in the same scenario. */
  ratio: number | null;
}

export interface Results {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  settings: {
    sizeGb: number;
    smallFiles: number;
    smallFolders: number;
    smallBatch: number;
    repeat: number;
    parts: string[];
    benchDir: string;
  };
  cachesDropped: boolean;
  tools: {
    rclone: string | null;
    restic?: string | null;
    cp: string;
    gnuTime: boolean;
    keepsakeCommit: string;
  };
  notes: string[];
  backup: BackupSection | null;
  rescan: RescanSection | null;
  memory: MemoryRow[];
}

export const find = (cases: CaseResult[], name: string): CaseResult | undefined =>
  cases.find((c) => c.name === name);

/** Median total seconds of a case, only when every sample succeeded. */
export const okTotal = (c: CaseResult | undefined): number | null =>
  c && c.samples.every((s) => s.ok) ? c.median.totalSeconds : null;

export const okTool = (c: CaseResult | undefined): number | null =>
  c && c.samples.every((s) => s.ok) ? c.median.seconds : null;

/** Names of the cases, so the run and the report agree. */
export const CASE = {
  cp: 'cp -r',
  rclone: 'rclone copy',
  ks1: 'keepsake (1 vault)',
  ks2: 'keepsake (2 vaults)',
  ksInitial: 'keepsake backup (first)',
  rcloneInitial: 'rclone copy (first)',
  ksRescan: 'keepsake backup (no change)',
  rcloneRerun: 'rclone copy (no change)',
  rcloneCheck: 'rclone check --size-only',
  restic: 'restic backup',
  resticInitial: 'restic backup (first)',
  resticRerun: 'restic backup (no change)',
} as const;

export function backupRatios(cases: CaseResult[]): BackupSection['ratios'] {
  const ks1 = find(cases, CASE.ks1);
  const ks2 = find(cases, CASE.ks2);
  return {
    keepsakeVsCp: ratio(okTotal(ks1), okTotal(find(cases, CASE.cp))),
    keepsakeVsRclone: ratio(okTotal(ks1), okTotal(find(cases, CASE.rclone))),
    keepsakeVsCpToolOnly: ratio(okTool(ks1), okTool(find(cases, CASE.cp))),
    keepsakeVsRcloneToolOnly: ratio(okTool(ks1), okTool(find(cases, CASE.rclone))),
    keepsakeVsRestic: ratio(okTotal(ks1), okTotal(find(cases, CASE.restic))),
    twoVaultsVsOneThroughput: ratio(okTotal(ks1), okTotal(ks2)),
  };
}

export function rescanRatios(initial: CaseResult[], rescans: CaseResult[]): RescanSection['ratios'] {
  const of = (name: string, cache: 'cold' | 'warm') =>
    rescans.find((c) => c.name === name && c.cache === cache);
  return {
    coldVsRcloneCopy: ratio(okTool(of(CASE.ksRescan, 'cold')), okTool(of(CASE.rcloneRerun, 'cold'))),
    warmVsRcloneCopy: ratio(okTool(of(CASE.ksRescan, 'warm')), okTool(of(CASE.rcloneRerun, 'warm'))),
    coldVsRcloneCheck: ratio(okTool(of(CASE.ksRescan, 'cold')), okTool(of(CASE.rcloneCheck, 'cold'))),
    warmVsRcloneCheck: ratio(okTool(of(CASE.ksRescan, 'warm')), okTool(of(CASE.rcloneCheck, 'warm'))),
    initialVsRcloneCopy: ratio(
      okTotal(find(initial, CASE.ksInitial)),
      okTotal(find(initial, CASE.rcloneInitial)),
    ),
    initialVsRestic: ratio(
      okTotal(find(initial, CASE.ksInitial)),
      okTotal(find(initial, CASE.resticInitial)),
    ),
    coldVsResticRerun: ratio(okTool(of(CASE.ksRescan, 'cold')), okTool(of(CASE.resticRerun, 'cold'))),
    warmVsResticRerun: ratio(okTool(of(CASE.ksRescan, 'warm')), okTool(of(CASE.resticRerun, 'warm'))),
  };
}

/** Peak memory of Keepsake against rclone in each scenario both ran. */
export function memoryRows(backup: BackupSection | null, rescan: RescanSection | null): MemoryRow[] {
  const rows: MemoryRow[] = [];
  const add = (scenario: string, ks: CaseResult | undefined, rc: CaseResult | undefined) => {
    if (!ks && !rc) return;
    const k = ks?.median.peakRssBytes ?? ks?.median.vmHwmBytes ?? null;
    const r = rc?.median.peakRssBytes ?? null;
    rows.push({ scenario, keepsakeBytes: k, rcloneBytes: r, ratio: ratio(k, r) });
  };
  if (backup) {
    const rc = find(backup.cases, CASE.rclone);
    add(`${CASE.ks1} vs ${CASE.rclone}`, find(backup.cases, CASE.ks1), rc);
    add(`${CASE.ks2} vs ${CASE.rclone}`, find(backup.cases, CASE.ks2), rc);
  }
  if (rescan) {
    add(
      `small files, first backup vs first copy`,
      find(rescan.initial, CASE.ksInitial),
      find(rescan.initial, CASE.rcloneInitial),
    );
    for (const cache of ['cold', 'warm'] as const) {
      const of = (name: string) => rescan.rescans.find((c) => c.name === name && c.cache === cache);
      add(`small files, no-change rerun (${cache})`, of(CASE.ksRescan), of(CASE.rcloneRerun));
    }
  }
  return rows;
}
