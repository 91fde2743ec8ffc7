import type { Command } from 'commander';
import { ConfigError, loadConfig, saveConfig } from '../config/config-file.js';
import type { Config } from '../config/schema.js';
import { addFolder, removeFolder } from '../setup/folders.js';
import { homeOf, type GlobalOptions } from './context.js';
import { printJson, table } from './output.js';

/** Loads the config of a command's home, or explains how to create one. */
export function requireConfig(g: GlobalOptions): { home: string; config: Config } {
  const home = homeOf(g);
  const config = loadConfig(home);
  if (!config) throw new ConfigError(`No Keepsake config in ${home}: run \`keepsake init\` first.`);
  return { home, config };
}

/** `keepsake folders add|list|remove`: the folders Keepsake watches. */
export function registerFolders(program: Command): void {
  const folders = program.command('folders').description('the folders Keepsake watches');
  folders
    .command('add <dir>')
    .description('watch a folder: a weddings root (each sub-folder is a wedding) or a loose import folder')
    .option('--import', 'a loose import folder: files are assigned to weddings by their capture date')
    .action((dir: string, opts: { import?: boolean }, cmd: Command) => {
      const { home, config } = requireConfig(cmd.optsWithGlobals<GlobalOptions>());
      const next = addFolder(config, dir, opts.import ? 'import' : 'weddings');
      saveConfig(home, next);
      console.log(
        `Watching ${next.folders.at(-1)?.path ?? dir} (${opts.import ? 'import folder' : 'weddings folder'}).`,
      );
    });
  folders
    .command('list')
    .description('list watched folders')
    .action((_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const { config } = requireConfig(g);
      if (g.json) return printJson(config.folders);
      if (config.folders.length === 0)
        return console.log('No watched folders. Add one with `keepsake folders add DIR`.');
      console.log(table([['FOLDER', 'KIND'], ...config.folders.map((f) => [f.path, f.kind])]));
    });
  folders
    .command('remove <dir>')
    .description('stop watching a folder (its backups stay)')
    .action((dir: string, _opts: unknown, cmd: Command) => {
      const { home, config } = requireConfig(cmd.optsWithGlobals<GlobalOptions>());
      saveConfig(home, removeFolder(config, dir));
      console.log(`No longer watching ${dir}. Its backed-up files stay in your destinations.`);
    });
}
