/** Renders the cloud benchmark's results as the plain-text tables it prints and saves. */
import type { CaseResult } from '../cases.js';
import { fixed, mbps, mib, ratio, secs, size, table, times } from '../format.js';
import type { CloudResults } from './results.js';

/** A message on one line, cut to fit a table cell (the JSON has all of it). */
const brief = (s: string) => {
  const line = s.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
};

/** `ok`, or the first failure. */
const status = (c: CaseResult) =>
  c.samples.every((s) => s.ok) ? 'ok' : brief(`FAILED: ${c.samples.find((s) => !s.ok)?.problem ?? ''}`);

const n = (x: number) => x.toLocaleString('en-US');

/** Median of the known values, or null. */
function median(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

export function renderCloudReport(r: CloudResults): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `Keepsake cloud benchmark, ${r.startedAt} (${secs(r.durationSeconds)} s)`,
    `Machine: ${m.cpus} CPU (${m.cpuModel}), ${size(m.memoryBytes)} RAM, Linux ${m.kernel}, Node ${m.node}; ` +
      `load average at start ${m.loadAverageStart.map((x) => x.toFixed(2)).join(' ')}, ` +
      `at end ${m.loadAverageEnd.map((x) => x.toFixed(2)).join(' ')}`,
    `Servers: ${r.tools.servers}, on loopback, same disk. Tools: ${r.tools.rclone ?? 'rclone unavailable'}; ` +
      `keepsake ${r.tools.keepsakeCommit}; caches ${r.cachesDropped ? 'dropped before every Keepsake/rclone run (cold)' : 'NOT dropped (warm)'}`,
  );

  if (r.corpus && r.comparisons.length > 0) {
    const c = r.corpus;
    const kinds = Object.entries(c.byKind)
      .map(([k, v]) => `${v.files} ${k} (${size(v.bytes)})`)
      .join(', ');
    out.push(
      '',
      `1. Keepsake against rclone copy, same tree, same server, same run: ${size(c.bytes)} in ` +
        `${n(c.files)} files: ${kinds}. Each run to a fresh bucket/container; ` +
        `${r.settings.repeat} sample(s), median shown.`,
      table([
        [
          'server',
          'run',
          'time s',
          'MB/s',
          'engine s',
          'file tries',
          'CPU s',
          'server CPU s',
          'peak RSS MiB',
          'rchar/byte',
          'stored',
          '+sync s',
          'status',
        ],
        ...r.comparisons.flatMap((s) =>
          s.cases.map((k) => {
            const stored = s.stored[k.name];
            return [
              s.server,
              k.name,
              secs(k.median.seconds),
              fixed(mbps(k.bytes, k.median.seconds), 1),
              secs(k.median.report?.engineSeconds),
              k.median.report ? n(k.median.report.filesProcessed) : '-',
              secs(k.median.cpuSeconds),
              secs(s.serverCpuSeconds[k.name]),
              mib(k.median.peakRssBytes ?? k.median.vmHwmBytes),
              fixed(ratio(k.median.io?.rchar, k.bytes), 2),
              stored ? `${n(stored.count)} obj, ${size(stored.bytes)}` : '-',
              secs(k.median.syncSeconds),
              status(k),
            ];
          }),
        ),
      ]),
      'Ratios keepsake / rclone (this run; > 1 = Keepsake slower or bigger):',
      ...r.comparisons.map(
        (s) =>
          `  ${s.server}: time ${times(s.keepsakeVsRclone)}, peak memory ${times(s.memoryKeepsakeVsRclone)}` +
          (s.encryptedVsRclone !== null ? `; encrypted: time ${times(s.encryptedVsRclone)}` : ''),
      ),
      '  Not like for like: Keepsake reads each file once while hashing it (SHA-256 and MD5), uploads it',
      '  under a staging key, promotes it to its content-addressed name (a server-side copy), verifies',
      '  every stored object (HEAD: size, then the ETag/Content-MD5 or, where the server offers no content',
      '  MD5, a read-back), and writes snapshot manifests and its index; rclone copy uploads each file',
      '  once and compares the MD5 the server reports.',
      ...r.comparisons.flatMap((s) => {
        const ks = s.cases.find((k) => k.tool === 'keepsake');
        const perByte = ratio(ks?.median.io?.rchar, ks?.bytes);
        return perByte !== null && perByte > 1.5
          ? [
              `  ${s.server}: Keepsake read ${perByte.toFixed(2)} bytes (files + sockets, rchar) per byte backed up:`,
              '  the verification downloaded objects again. s3rver keeps the multipart ETag (md5 of part md5s,',
              '  "-N") on the copy that promote makes, so S3Destination.digest cannot take the ETag as the',
              "  content's MD5 and reads the object back (its documented costly path).",
            ]
          : [];
      }),
    );
  }

  r.sweeps.forEach((sw, i) => {
    const rows = [...sw.rows].sort((a, b) => a.partMiB - b.partMiB || a.inFlight - b.inFlight);
    out.push(
      '',
      `${i + 2}. ${sw.server}: ${sw.knobs} sweep, ${size(r.sweepCorpus?.bytes ?? 0)} in ${n(r.sweepCorpus?.files ?? 0)} ` +
        `files, ${r.settings.filesAtOnce} files at once, each configuration in its own process (warm cache), ` +
        `${r.settings.sweepRounds} round(s) in shuffled order, the default also first, mid-round and last` +
        (sw.rows.some((row) => row.samples.some((x) => x.phase.startsWith('confirm')))
          ? ', then 2 more runs each of the default and the challenger'
          : ''),
      table([
        [
          'part MiB',
          'in flight',
          'MB/s',
          'samples MB/s',
          'CPU s/GB',
          'client CPU s',
          'server CPU s',
          'buffers MiB',
          'peak RSS MiB',
          'status',
        ],
        ...rows.map((row) => {
          const ok = row.samples.filter((s) => s.ok);
          const bad = row.samples.find((s) => !s.ok || s.problem);
          return [
            row.isDefault ? `${row.partMiB} (default)` : String(row.partMiB),
            String(row.inFlight),
            fixed(row.mbPerSecond, 1),
            row.samples.map((s) => (s.ok ? s.mbPerSecond.toFixed(1) : 'x')).join(' / '),
            fixed(row.cpuPerGb, 1),
            secs(median(ok.map((s) => s.cpuSeconds))),
            secs(median(ok.map((s) => s.serverCpuSeconds))),
            mib(row.bufferBytes),
            mib(row.peakRssBytes),
            bad
              ? brief(
                  bad.ok ? `ok, ${bad.failures} put(s) retried: ${bad.problem}` : `FAILED: ${bad.problem}`,
                )
              : 'ok',
          ];
        }),
      ]),
      `Recommendation: ${sw.recommendation.text}`,
    );
  });
  if (r.notes.length > 0) out.push('', 'Notes:', ...r.notes.map((x) => `- ${x}`));
  return out.join('\n');
}
