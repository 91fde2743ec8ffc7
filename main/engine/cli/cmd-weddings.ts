import type { Command } from 'commander';
import { slugify } from '../catalog/wedding-name.js';
import { resolve, sep } from 'node:path';
import { ConfigError, saveConfig } from '../config/config-file.js';
import { addFolder } from '../setup/folders.js';
import { requireConfig } from './cmd-folders.js';
import { withEngine, type GlobalOptions } from './context.js';
import { formatBytes, printJson, table } from './output.js';

/** `keepsake weddings list|add`. */
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
      if (opts.date && !/^\d{4}-\d{2}-\d{2}$/.test(opts.date))
        throw new ConfigError(`--date: expected YYYY-MM-DD, got "${opts.date}".`);
      // Folders outside every watched folder become watched import folders, so their files are seen.
      const { home, config } = requireConfig(g);
      let next = config;
      for (const dir of opts.folder ?? []) {
        const full = resolve(dir);
        if (!next.folders.some((f) => full === f.path || full.startsWith(f.path + sep)))
          next = addFolder(next, full, 'import');
      }
      if (next !== config) saveConfig(home, next);
      await withEngine(g, async (engine) => {
        const id = engine.addWedding({
          couple: opts.couple,
          date: opts.date ?? null,
          folders: opts.folder ?? [],
          slug: slugify(opts.date ?? null, opts.couple),
        });
        const w = engine.store.weddings.byId(id)!;
        if (g.json) return printJson(w);
        console.log(`Created wedding ${w.slug}${w.folders.length ? ` with ${w.folders.join(', ')}` : ''}.`);
      });
    });
}
