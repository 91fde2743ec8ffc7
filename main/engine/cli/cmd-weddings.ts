import type { Command } from 'commander';
import { slugify } from '../catalog/wedding-name.js';
import { resolve, sep } from 'node:path';
import { ConfigError, saveConfig } from '../config/config-file.js';
import { addFolder } from '../setup/folders.js';
import { requireConfig } from './cmd-folders.js';
import { withEngine, type GlobalOptions } from './context.js';
import { formatBytes, printJson, table } from './output.js';

/** `keepsake weddings list|add|set`. */
export function registerWeddings(program: Command): void {
  const weddings = program.command('weddings').description('weddings Keepsake knows');
  weddings
    .command('list')
    .description('list weddings with their files and protection')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(g, async (engine) => {
        const report = await engine.status();
        if (g.json) return printJson(report.weddings);
        if (report.weddings.length === 0) return console.log('No weddings yet.');
        console.log(
          table([
            ['WEDDING', 'DATE', 'COUPLE', 'FILES', 'SIZE', 'PROTECTED'],
            ...report.weddings.map((w) => [
              w.wedding!.slug,
              w.wedding!.date ?? '-',
              w.wedding!.couple,
              String(w.files),
              formatBytes(w.bytes),
              `${w.protected}/${w.files - w.skipped}`,
            ]),
          ]),
        );
      });
    });
  weddings
    .command('add')
    .description('create a wedding by hand; files in its folders belong to it')
    .requiredOption('--couple <names>', 'the couple, e.g. "Smith & Jones"')
    .option('--date <yyyy-mm-dd>', 'the wedding day')
    .option('--folder <dir...>', 'folders whose files belong to this wedding')
    .action(async (opts: { couple: string; date?: string; folder?: string[] }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      if (opts.date) checkedDate(opts.date, false);
      watchFolders(g, opts.folder ?? []);
      await withEngine(g, async (engine) => {
        const { id, added } = engine.addWedding({
          couple: opts.couple,
          date: opts.date ?? null,
          folders: opts.folder ?? [],
          slug: slugify(opts.date ?? null, opts.couple),
        });
        const w = engine.store.weddings.byId(id)!;
        if (g.json) return printJson({ ...w, fromImports: added });
        console.log(`Created wedding ${w.slug}${w.folders.length ? ` with ${w.folders.join(', ')}` : ''}.`);
        if (added > 0) console.log(fromImports(added));
      });
    });
  weddings
    .command('set <wedding>')
    .description("change a wedding's couple, date or folders; imported photos are sorted again at once")
    .option('--couple <names>', 'the couple, e.g. "Smith & Jones"')
    .option('--date <yyyy-mm-dd>', 'the wedding day ("none" for no date)')
    .option('--folder <dir...>', 'the folders whose files belong to this wedding (replaces its folders)')
    .action(
      async (slug: string, opts: { couple?: string; date?: string; folder?: string[] }, cmd: Command) => {
        const g = cmd.optsWithGlobals<GlobalOptions>();
        const date = opts.date === undefined ? undefined : checkedDate(opts.date, true);
        if (opts.folder) watchFolders(g, opts.folder);
        await withEngine(g, async (engine) => {
          const before = engine.store.weddings.bySlug(slug);
          if (!before) throw new ConfigError(`No wedding "${slug}": see \`keepsake weddings list\`.`);
          const { added, moved } = engine.changeWedding(before.id, {
            ...(opts.couple !== undefined ? { couple: opts.couple } : {}),
            ...(date !== undefined ? { date } : {}),
            ...(opts.folder ? { folders: opts.folder } : {}),
          });
          const w = engine.store.weddings.byId(before.id)!;
          if (g.json) return printJson({ ...w, fromImports: added });
          console.log(`Changed wedding ${w.slug}: ${w.couple}, ${w.date ?? 'no date'}.`);
          if (added > 0) console.log(fromImports(added));
          if (moved > added)
            console.log(`${moved - added} file(s) left this wedding for another one or none.`);
        });
      },
    );
}

/** Folders outside every watched folder become watched import folders, so their files are seen. */
function watchFolders(g: GlobalOptions, folders: readonly string[]): void {
  const { home, config } = requireConfig(g);
  let next = config;
  for (const dir of folders) {
    const full = resolve(dir);
    if (!next.folders.some((f) => full === f.path || full.startsWith(f.path + sep)))
      next = addFolder(next, full, 'import');
  }
  if (next !== config) saveConfig(home, next);
}

/** The `--date` value checked: `YYYY-MM-DD`, or (when allowed) `none` for no date. */
function checkedDate(value: string, noneAllowed: boolean): string | null {
  if (noneAllowed && value === 'none') return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw new ConfigError(`--date: expected YYYY-MM-DD, got "${value}".`);
  return value;
}

/** "42 photos from your imports were added to this wedding." */
function fromImports(n: number): string {
  return `${n} ${n === 1 ? 'file' : 'files'} from your imports ${n === 1 ? 'was' : 'were'} added to this wedding.`;
}
