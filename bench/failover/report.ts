/** Renders the failover benchmark's results as the plain-text tables it prints and saves. */
import { fixed, mib, secs, size, table, times } from '../format.js';
import type { FailoverResults, FailoverRun, ThroughputRow } from './results.js';

/** A message on one line, cut to fit a table cell (the JSON has all of it). */
const brief = (s: string) => {
  const line = s.replace(/\s+/g, ' ');
  return line.length > 70 ? `${line.slice(0, 69)}…` : line;
};

const ms = (v: number | null) =>
  v === null ? '-' : v < 10_000 ? `${v.toFixed(0)} ms` : `${secs(v / 1000)} s`;

function throughputTable(rows: ThroughputRow[]): string {
  return table([
    [
      'run',
      'destinations',
      'time s',
      '+sync s',
      'total s',
      'MB/s',
      'CPU s',
      'peak RSS MiB',
      'disk read/byte',
      'pipeline read/byte',
      'status',
    ],
    ...rows.map((r) => [
      r.name,
      String(r.destinations),
      secs(r.sample.seconds),
      secs(r.sample.syncSeconds),
      secs(r.sample.totalSeconds),
      fixed(r.mbPerSecond, 1),
      secs(r.sample.cpuSeconds),
      mib(r.sample.peakRssBytes),
      fixed(r.diskReadPerByte, 3),
      fixed(r.pipelineReadPerByte, 3),
      r.sample.ok ? 'ok' : brief(`FAILED: ${r.sample.problem ?? ''}`),
    ]),
  ]);
}

function failoverTable(runs: FailoverRun[]): string {
  return table([
    [
      'run',
      'backup s',
      'MB/s',
      'read/byte',
      'copies NAS/S3/Azure',
      'process s',
      'CPU s',
      'peak RSS MiB',
      'status',
    ],
    ...runs.map((r) => {
      const c = r.output?.copies ?? {};
      return [
        r.name === 'clean' ? 'clean (no failure)' : 'S3 fails',
        secs(r.backupSeconds),
        fixed(r.mbPerSecond, 1),
        fixed(r.readPerByte, 2),
        r.output ? `${c.NAS ?? 0}/${c.S3 ?? 0}/${c.Azure ?? 0}` : '-',
        secs(r.processSeconds),
        secs(r.cpuSeconds),
        mib(r.peakRssBytes),
        r.ok ? 'ok' : brief(`FAILED: ${r.problem ?? ''}`),
      ];
    }),
  ]);
}

/** The whole report. */
export function renderFailoverReport(r: FailoverResults): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `Keepsake failover and fan-out benchmark, ${r.startedAt} (${secs(r.durationSeconds)} s)`,
    `Machine: ${m.cpus} CPU (${m.cpuModel}), ${size(m.memoryBytes)} RAM, Linux ${m.kernel}, Node ${m.node}, ` +
      `${m.filesystem}; load average at start ${m.loadAverageStart.map((x) => x.toFixed(2)).join(' ')}, ` +
      `at end ${m.loadAverageEnd.map((x) => x.toFixed(2)).join(' ')}`,
    `Tools: ${r.tools.rclone ?? 'rclone unavailable'}; keepsake ${r.tools.keepsakeCommit}; ${r.tools.servers}; ` +
      `caches ${r.cachesDropped ? 'dropped before every run (cold)' : 'NOT dropped (warm)'}`,
  );
  if (r.corpus) {
    out.push(
      `Wedding: ${size(r.corpus.bytes)} in ${r.corpus.files} incompressible RAW files of about 25 MB ` +
        `[generator ${r.corpus.generator}], read from ${m.filesystem}`,
    );
  }

  const t = r.throughput;
  if (t) {
    out.push(
      '',
      `1. One backup to three destinations at once against one (protection.copies "all"): the destinations ` +
        `are local folders in ${t.destinationsDir} (${t.destinationsFs}), so the cold read of the source ` +
        `and the engine's own work are what is measured, not the writing. Keepsake: the CLI, ` +
        '`backup --once`, fresh home each; rclone: `rclone copy` to one folder, then to three one after another.',
      throughputTable(t.rows),
      `Ratios (this run): Keepsake, three at once / one = ${times(t.ratios.keepsake3over1)} the source ` +
        'throughput (1.0: the two extra destinations cost nothing; 0.33: as much as two more backups); ' +
        `rclone three times / once = ${times(t.ratios.rclone3over1)}.`,
      `Time, Keepsake / rclone (> 1 = Keepsake slower): three destinations ${times(t.ratios.keepsake3vsRclone3)}, ` +
        `one destination ${times(t.ratios.keepsake1vsRclone1)}.`,
    );
    const k3 = t.rows.find((x) => x.tool === 'keepsake' && x.destinations === 3);
    if (k3?.sample.ok)
      out.push(
        `  Keepsake with three destinations read ${fixed(k3.pipelineReadPerByte, 3)} bytes of the files per byte of ` +
          `the wedding (its 'read' events) and made the disk read ${fixed(k3.diskReadPerByte, 3)}: each file ` +
          'is read once for all three. rclone reads the source once per copy; its second and third copies ' +
          'came from the page cache (the wedding fits in memory), which is why its disk read/byte stays near 1.',
      );
  }

  const f = r.failover;
  if (f) {
    out.push(
      '',
      '2. Failover recovery: the same wedding, protection.copies "policy" (the wedding is critical: files seen ' +
        'today; 2 copies on 2 providers, both off the laptop), three destinations: S3 (s3rver behind the ' +
        'fault proxy), Azure (azurite), NAS (a local folder, onLaptop false). Placement picks NAS + S3 (no ' +
        `price) over Azure; S3 refuses connections once the proxy relayed ${fixed(r.settings.failAt * 100, 0)} % ` +
        "of the wedding's bytes to it. The agent runs as `Engine.run` (health monitor on); a run ends when " +
        'every wedding meets its target.',
      failoverTable(f.runs),
    );
    const fr = f.runs.find((x) => x.name === 'failover');
    if (fr?.trigger) {
      out.push(
        `S3 refused at ${fixed(fr.trigger.fraction * 100, 1)} % (${size(fr.trigger.bytesUp)} relayed to it), ` +
          `${secs(fr.failedAfterSeconds)} s into the backup; the engine's first failed call ${ms(fr.firstFailureMs)} ` +
          `later, S3 declared down ${ms(fr.detectionMs)} after that; files queued again: ${fr.output?.requeued ?? '-'}.`,
        `Failover recovery time (status().failovers[0].recoveryMs, first failure to every wedding at target): ` +
          `${ms(fr.recoveryMs)}; wall clock from the proxy's refusal to every wedding at target: ${ms(fr.wallRecoveryMs)}.`,
      );
      if (fr.disagreement) out.push(`  They disagree: ${fr.disagreement}.`);
    }
    out.push(
      `Backup time with the failure / without (this run): ${times(f.ratio)}` +
        (f.extraSeconds === null ? '' : ` (${f.extraSeconds >= 0 ? '+' : ''}${secs(f.extraSeconds)} s)`) +
        '.',
      '  The recovery time includes the rest of the backup: a wedding meets its target only when every file ' +
        'has its copies, so it ends when the last file is on NAS and Azure, not when the files S3 held are re-copied.',
    );
  }

  if (r.notes.length > 0) out.push('', 'Notes:', ...r.notes.map((n) => `- ${n}`));
  return out.join('\n');
}
