/** Renders the benchmark results as the plain-text tables printed at the end of a run. */
import type { CaseResult } from './cases.js';
import { fixed, mib, ratio, secs, size, table, times } from './format.js';
import { CASE, find, type Results } from './results.js';

const status = (c: CaseResult) =>
  c.samples.every((s) => s.ok) ? 'ok' : `FAILED: ${c.samples.find((s) => !s.ok)?.problem ?? ''}`;

const n = (x: number) => x.toLocaleString('en-US');

export function renderReport(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `Keepsake engine benchmark, ${r.startedAt} (${secs(r.durationSeconds)} s)`,
    `Machine: ${m.cpus} CPU (${m.cpuModel}), ${size(m.memoryBytes)} RAM, Linux ${m.kernel}, Node ${m.node}, ` +
      `${m.filesystem}; load average at start ${m.loadAverageStart.map((x) => x.toFixed(2)).join(' ')}, ` +
      `at end ${m.loadAverageEnd.map((x) => x.toFixed(2)).join(' ')}`,
    `Tools: ${r.tools.rclone ?? 'rclone unavailable'}; ${r.tools.restic ?? 'restic unavailable'}; ${r.tools.cp}; keepsake ${r.tools.keepsakeCommit}; ` +
      `caches ${r.cachesDropped ? 'dropped before every measured run (cold)' : 'NOT dropped (warm)'}; ` +
      `${r.settings.repeat} sample(s) per case, median shown`,
  );

  if (r.backup) {
    const b = r.backup;
    const kinds = Object.entries(b.corpus.byKind)
      .map(([k, v]) => `${v.files} ${k} (${size(v.bytes)})`)
      .join(', ');
    out.push(
      '',
      `1. Backup of one wedding: ${size(b.corpus.bytes)} in ${n(b.corpus.files)} files: ${kinds}` +
        ` [generator ${b.corpus.generator}], same disk, cold cache`,
      table([
        [
          'run',
          'time s',
          '+sync s',
          'total s',
          'MB/s',
          'engine s',
          'CPU s',
          'peak RSS MiB',
          'disk read/byte',
          'status',
        ],
        ...b.cases.map((c) => [
          c.name,
          secs(c.median.seconds),
          secs(c.median.syncSeconds),
          secs(c.median.totalSeconds),
          fixed(c.mbPerSecond, 1),
          secs(c.median.report?.engineSeconds),
          secs(c.median.cpuSeconds),
          mib(c.median.peakRssBytes),
          fixed(ratio(c.median.diskReadBytes, c.bytes), 3),
          status(c),
        ]),
      ]),
      `Ratios (time, this run; >1 = Keepsake slower): keepsake/cp = ${times(b.ratios.keepsakeVsCp)} ` +
        `(tool only ${times(b.ratios.keepsakeVsCpToolOnly)}), keepsake/rclone = ${times(b.ratios.keepsakeVsRclone)} ` +
        `(tool only ${times(b.ratios.keepsakeVsRcloneToolOnly)}), keepsake/restic = ${times(b.ratios.keepsakeVsRestic)}`,
      `Two vaults at once: ${times(b.ratios.twoVaultsVsOneThroughput)} the source throughput of one vault ` +
        `(${fixed(find(b.cases, CASE.ks2)?.mbPerSecond, 1)} MB/s read, ` +
        `${fixed((find(b.cases, CASE.ks2)?.mbPerSecond ?? 0) * 2, 1)} MB/s written)`,
    );
  }

  const ioCases = [
    ...(r.backup?.cases ?? []),
    ...(r.rescan ? r.rescan.initial.filter((c) => c.tool === 'keepsake') : []),
  ].filter((c) => c.tool === 'keepsake');
  if (ioCases.length > 0) {
    out.push(
      '',
      '2. Reads per byte backed up (the Keepsake CLI process, /proc/<pid>/io at exit)',
      table([
        [
          'run',
          'bytes backed up',
          'read_bytes',
          'read_bytes/byte',
          'rchar',
          'rchar/byte',
          'pipeline read/byte',
        ],
        ...ioCases.map((c) => {
          const io = c.median.io;
          return [
            `${c.name}${c.files < 1000 ? '' : `, ${n(c.files)} files`}`,
            size(c.bytes),
            io ? size(io.readBytes) : '-',
            fixed(ratio(io?.readBytes, c.bytes), 3),
            io ? size(io.rchar) : '-',
            fixed(ratio(io?.rchar, c.bytes), 3),
            fixed(ratio(c.median.report?.bytesRead, c.bytes), 3),
          ];
        }),
      ]),
    );
  }

  if (r.rescan) {
    const s = r.rescan;
    out.push(
      '',
      `3. No-change rescan: ${n(s.corpus.files)} small files (${size(s.corpus.bytes)}) in ` +
        `${r.settings.smallFolders} folders, after a first backup` +
        (s.initialBatches.length > 1
          ? ` (Keepsake's made in ${s.initialBatches.length} runs of ${n(s.batchSize)} new files each, ` +
            `${s.initialBatches.map((b) => secs(b.seconds)).join(' / ')} s; the row is their sum)`
          : ''),
      table([
        ['run', 'cache', 'time s', '+sync s', 'files/s', 'engine s', 'CPU s', 'peak RSS MiB', 'status'],
        ...[...s.initial, ...s.rescans].map((c) => [
          c.name,
          c.cache,
          secs(c.median.seconds),
          secs(c.median.syncSeconds),
          n(Math.round(c.files / c.median.seconds)),
          secs(c.median.report?.engineSeconds),
          secs(c.median.cpuSeconds),
          mib(c.median.peakRssBytes),
          status(c),
        ]),
      ]),
      `Ratios (time, this run; >1 = Keepsake slower): no-change keepsake/rclone copy = ` +
        `${times(s.ratios.coldVsRcloneCopy)} cold, ${times(s.ratios.warmVsRcloneCopy)} warm; ` +
        `keepsake/rclone check --size-only = ${times(s.ratios.coldVsRcloneCheck)} cold, ` +
        `${times(s.ratios.warmVsRcloneCheck)} warm; first backup keepsake/rclone copy (with sync) = ` +
        `${times(s.ratios.initialVsRcloneCopy)}; first backup keepsake/restic backup (with sync) = ` +
        `${times(s.ratios.initialVsRestic)}; no-change keepsake/restic = ${times(s.ratios.coldVsResticRerun)} cold, ` +
        `${times(s.ratios.warmVsResticRerun)} warm`,
    );
  }

  if (r.memory.length > 0) {
    out.push(
      '',
      '4. Peak memory (max RSS of the process tree)',
      table([
        ['scenario', 'keepsake MiB', 'rclone MiB', 'keepsake/rclone'],
        ...r.memory.map((row) => [
          row.scenario,
          mib(row.keepsakeBytes),
          mib(row.rcloneBytes),
          times(row.ratio),
        ]),
      ]),
    );
  }
  if (r.notes.length > 0) out.push('', 'Notes:', ...r.notes.map((x) => `- ${x}`));
  return out.join('\n');
}
