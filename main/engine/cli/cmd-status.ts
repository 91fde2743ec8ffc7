import type { Command } from 'commander';
import type { StatusReport } from '../../../shared/model/status.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import { withEngine, type GlobalOptions } from './context.js';
import { formatBytes, printJson, table } from './output.js';

function weddingRow(w: WeddingStatus, destinations: string[]): string[] {
  const name = w.wedding ? `${w.wedding.date ?? '????-??-??'} ${w.wedding.couple}` : 'Unassigned files';
  const live = w.files - w.skipped;
  const state =
    w.failed > 0 ? 'FAILED' : w.pending > 0 ? 'pending' : live === w.protected ? 'protected' : 'partial';
  return [
    name,
    String(w.files),
    formatBytes(w.bytes),
    state,
    String(w.protected),
    String(w.pending),
    String(w.failed),
    ...destinations.map((d) => `${w.copies[d] ?? 0}/${live}`),
  ];
}

/** Prints a status report for a person. */
export function printStatus(r: StatusReport): void {
  const dests = r.destinations.filter((d) => d.enabled).map((d) => d.name);
  const rows = [...r.weddings, ...(r.unassigned ? [r.unassigned] : [])];
  if (rows.length === 0) console.log('No files yet.');
  else {
    console.log(
      table([
        [
          'WEDDING',
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
  console.log(`\nEach file needs ${r.target} cop${r.target === 1 ? 'y' : 'ies'}.`);
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
  for (const w of r.warnings) console.log(`Note: ${w}`);
  console.log(r.allProtected ? 'All files are protected.' : 'Not every file is protected yet.');
}

/** `keepsake status [--json]`. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('per wedding: files, bytes, protected / pending / failed, copies per destination')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(g, async (engine) => {
        const report = await engine.status();
        if (g.json) printJson(report);
        else printStatus(report);
      });
    });
}
