import type { Command } from 'commander';
import { systemClock } from '../clock.js';
import { loadConfig, newConfig, saveConfig } from '../config/config-file.js';
import { ensureDefaultSetup } from '../setup/defaults.js';
import { homeOf, type GlobalOptions } from './context.js';

/** `keepsake init`: creates the home and its config; `--defaults` also makes the Weddings folder and Vault. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create the Keepsake home and config (with --defaults: a Weddings folder and a local Vault)')
    .option('--defaults', 'set up the embedded default: watch <home>/Weddings, back up to <home>/Vault')
    .action(async (opts: { defaults?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const home = homeOf(g);
      if (opts.defaults) {
        const { created, weddings, vault } = await ensureDefaultSetup(home, systemClock);
        console.log(created ? `Created Keepsake home ${home}` : `Keepsake home ${home} already set up`);
        console.log(`Watching: ${weddings}\nBacking up to: ${vault}`);
        return;
      }
      if (loadConfig(home)) {
        console.log(`Keepsake home ${home} already has a config; nothing changed.`);
        return;
      }
      saveConfig(home, newConfig());
      console.log(
        `Created Keepsake home ${home}. Next: \`keepsake folders add DIR\` and \`keepsake destinations add local NAME DIR\`.`,
      );
    });
}
