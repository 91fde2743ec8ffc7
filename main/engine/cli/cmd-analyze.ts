import type { Command } from 'commander';
import type { KindCount, WeddingAnalysis } from '../../../shared/model/analysis.js';
import { cameraName, kindGroups, KIND_WORDS } from '../../../shared/model/analysis-words.js';
import { withEngine, type GlobalOptions } from './context.js';
import { formatBytes, printJson } from './output.js';

/** `812 RAW (CR3 640, NEF 172) 1.2 GB, 300 JPEG 2.1 GB, 20 video (MOV 20) 30 GB`. */
export function kindsLine(kinds: readonly KindCount[]): string {
  return kindGroups(kinds)
    .map(
      (g) =>
        `${g.files} ${KIND_WORDS[g.kind]}${g.formats.length ? ` (${g.formats.join(', ')})` : ''} ${formatBytes(g.bytes)}`,
    )
    .join(', ');
}

const pct = (n: number, of: number) => (of === 0 ? '-' : `${Math.round((n / of) * 100)}%`);
/** `2026-06-14 10:02` of a capture time as the camera wrote it. */
const when = (t: string) => t.slice(0, 16).replace('T', ' ');

/** One wedding's analysis for a person. */
export function printAnalysis(a: WeddingAnalysis): void {
  const s = a.shot;
  console.log(`${a.date ?? '????-??-??'} ${a.couple}: ${s.files} files, ${formatBytes(s.bytes)}`);
  console.log(`  Shot:        ${s.files === 0 ? 'nothing yet' : kindsLine(s.kinds)}`);
  const cams = s.cameras.map((c) => `${cameraName(c)} (${c.files})`);
  console.log(`  Cameras:     ${cams.length ? cams.join(', ') : 'no file records its camera'}`);
  if (s.lenses.length)
    console.log(`  Lenses:      ${s.lenses.map((l) => `${l.lens} (${l.files})`).join(', ')}`);
  const mp = s.megapixels;
  console.log(
    `  Pixels:      ${
      mp.known === 0
        ? 'no photo states its pixel size'
        : `median ${mp.median} MP, largest ${mp.max} MP; ${pct(mp.over12, mp.known)} of ${mp.known} over 12 MP`
    }; ${pct(s.over5MB, s.photos)} of ${s.photos} photos over 5 MB`,
  );
  const c = s.capture;
  if (c.first && c.last) {
    const oneDay = c.first.slice(0, 10) === c.last.slice(0, 10);
    const at = (t: string) => (oneDay ? when(t).slice(11) : when(t));
    const shown = c.sessions
      .slice(0, 6)
      .map((x) => `${at(x.first)}${x.last === x.first ? '' : `-${at(x.last)}`} (${x.files})`);
    const more = c.sessions.length > 6 ? `, and ${c.sessions.length - 6} more` : '';
    const sessions = shown.join(', ') + more;
    console.log(
      `  Captured:    ${when(c.first)} to ${when(c.last)}; ${c.sessions.length} session${c.sessions.length === 1 ? '' : 's'} ` +
        `(pauses of ${c.gapMinutes} min or more): ${sessions}${c.undated ? `; ${c.undated} undated` : ''}`,
    );
  } else console.log(`  Captured:    no capture times${c.undated ? ` (${c.undated} undated)` : ''}`);
  console.log(`  Quality:     ${a.quality.class}: ${a.quality.reason}`);
  console.log(`  Access:      ${a.access.temperature}: ${a.access.reason}`);
  console.log(`  Compliance:  ${a.compliance.level}`);
  for (const k of a.compliance.checks)
    console.log(`    ${k.met ? '[x]' : '[ ]'} ${k.requirement}: ${k.detail}`);
}

/** `keepsake analyze [--wedding SLUG] [--json]`. */
export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description(
      'per wedding: what was shot (formats, cameras, lenses, megapixels, sessions), quality class, hot/cooling/cold, compliance level',
    )
    .option('--wedding <slug>', 'only this wedding (see `keepsake weddings`)')
    .action(async (opts: { wedding?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(g, async (engine) => {
        const all = await engine.analysis(opts.wedding);
        if (g.json) return printJson(opts.wedding ? all[0] : all);
        if (all.length === 0) console.log('No weddings yet.');
        all.forEach((a, i) => {
          if (i > 0) console.log('');
          printAnalysis(a);
        });
      });
    });
}
