import type { Command } from 'commander';
import type { FailoverSummary, StatusReport } from '../../../shared/model/status.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import { withEngine, type GlobalOptions } from './context.js';
import { formatBytes, printJson, table } from './output.js';

function weddingName(w: WeddingStatus): string {
  return w.wedding ? `${w.wedding.date ?? '????-??-??'} ${w.wedding.couple}` : 'Unassigned files';
}

function weddingRow(w: WeddingStatus, destinations: string[]): string[] {
  const live = w.files - w.skipped;
  const state =
    w.failed > 0
      ? 'FAILED'
      : w.pending > 0
        ? 'pending'
        : live === w.protected
          ? 'protected'
          : (w.laptopOnly ?? 0) > 0
            ? 'on laptop only'
            : (w.awaitingManifest ?? 0) > 0
              ? 'snapshot pending'
              : 'partial';
  const below = w.belowTarget ?? 0;
  return [
    weddingName(w),
    w.policy?.name ?? '-',
    String(w.files),
    formatBytes(w.bytes),
    below > 0 ? `${state}, ${below} below target` : state,
    String(w.protected),
    String(w.pending),
    String(w.failed),
    ...destinations.map((d) => `${w.copies[d] ?? 0}/${live}`),
  ];
}

/** A duration as a person reads it: `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 10 min`. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${Math.round(s - min * 60)} s`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** An ISO 8601 moment on this computer's clock: `2026-06-14 15:22:03`. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** One failover incident in a line: what failed, when, and the failover recovery time (or what is still below). */
export function failoverLine(f: FailoverSummary): string {
  const what = f.weddings.length > 0 ? ` (${f.weddings.join(', ')})` : '';
  const outcome =
    f.recoveryMs !== null
      ? `every wedding met its target again after ${formatDurationMs(f.recoveryMs)}`
      : `not recovered yet: ${f.weddings.length > 0 ? `${f.weddings.length} wedding(s) below target` : 'weddings still being checked'}`;
  const back = f.backAt ? `; back since ${localTime(f.backAt)}` : '; still down';
  return `${f.destination} failed at ${localTime(f.failedAt)} (${f.reason}): ${outcome}${what}${back}.`;
}

/** Prints a status report for a person. */
export function printStatus(r: StatusReport): void {
  const dests = r.destinations.filter((d) => d.enabled).map((d) => d.name);
  const rows = [...r.weddings, ...(r.unassigned ? [r.unassigned] : [])];
  const watching = (r.folders ?? []).length > 0;
  if (rows.length === 0)
    console.log(
      watching
        ? 'No files indexed yet: the watched folders are scanned by `keepsake backup --once` or a running Keepsake.'
        : 'No files yet: no folder is watched (add one with `keepsake folders add`).',
    );
  else {
    console.log(
      table([
        [
          'WEDDING',
          'POLICY',
          'FILES',
          'SIZE',
          'STATE',
          'PROTECTED',
          'PENDING',
          'FAILED',
          ...dests.map((d) => `ON ${d}`),
        ],
        ...rows.map((w) => weddingRow(w, dests)),
      ]),
    );
  }
  const shortfalls = rows.filter((w) => w.shortfall);
  for (const w of shortfalls)
    console.log(
      `  ${weddingName(w)} cannot meet its ${w.policy ? `${w.policy.name} ` : ''}policy: ${w.shortfall}`,
    );
  console.log(
    r.mode === 'policy'
      ? `\nEach wedding's protection policy sets the copies it needs (\`keepsake policy\` shows them).`
      : `\nEach file needs ${r.target} cop${r.target === 1 ? 'y' : 'ies'}.`,
  );
  for (const d of r.destinations) {
    console.log(
      `  ${d.name} (${d.kind}, ${d.location}): ${d.reachable ? 'reachable' : `NOT REACHABLE: ${d.problem}`}, ${d.objects} objects`,
    );
  }
  if (r.queue.queued + r.queue.running > 0)
    console.log(
      `Queue: ${r.queue.queued} waiting, ${r.queue.running} running, ${r.queue.retrying} retrying.`,
    );
  for (const p of r.problems.slice(0, 10))
    console.log(`  ${p.state === 'failed' ? 'FAILED' : 'skipped'}: ${p.path}: ${p.error}`);
  // Shortfalls are shown with their wedding above.
  const shown = new Set(
    shortfalls.map(
      (w) => `${w.wedding?.couple ?? 'Unassigned files'} cannot meet its policy: ${w.shortfall}`,
    ),
  );
  for (const w of r.warnings) if (!shown.has(w)) console.log(`Note: ${w}`);
  const failovers = r.failovers ?? [];
  if (failovers.length > 0) {
    console.log('Failover:');
    for (const f of failovers.slice(0, 5)) console.log(`  ${failoverLine(f)}`);
  }
  for (const f of r.folders ?? []) if (!f.available) console.log(`UNAVAILABLE: ${f.path}`);
  if (rows.length === 0 && r.allProtected) {
    if (!watching) console.log('Nothing to back up yet.');
  } else if (r.allProtected)
    console.log(
      r.laptopCounts
        ? 'All files are protected (copies on this laptop count: protection.laptopCounts is true).'
        : 'All files are protected: each can be restored even if this laptop is lost.',
    );
  else
    console.log(
      `Not every file is protected yet. ${
        r.protectedAsOf
          ? `Backed up as of ${localTime(r.protectedAsOf)} (the last time every file met its target).`
          : 'Never fully backed up yet.'
      }`,
    );
}

/** `keepsake status [--json]`. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'per wedding: policy, files, bytes, protected / pending / failed, below target, copies per destination; recent failovers',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(g, async (engine) => {
        const report = await engine.status();
        // The analysis reads every indexed file of every wedding: only for --json (tools), not the table.
        if (g.json) printJson({ ...report, analysis: await engine.analysis() });
        else printStatus(report);
      });
    });
}
