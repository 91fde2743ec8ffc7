import type { Command } from 'commander';
import { systemClock } from '../clock.js';
import { ensureDefaultSetup } from '../setup/defaults.js';
import { homeOf, type GlobalOptions } from './context.js';
import { runUntilStopped } from './cmd-run.js';

/** `keepsake start`: what `npm start` runs. Sets up the embedded default on first use, then runs. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'first use: set up a Weddings folder and a local Vault; then watch and back up until stopped',
    )
    .option('-v, --verbose', 'print every file as it is protected')
    .action(async (opts: { verbose?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const home = homeOf(g);
      const setup = await ensureDefaultSetup(home, systemClock);
      if (setup.created) {
        console.log(`Welcome to Keepsake. Set up in ${home}:`);
        console.log(`  Put wedding folders (e.g. "2026-06-14 Smith & Jones") in: ${setup.weddings}`);
        console.log(`  Backups go to the local vault: ${setup.vault}`);
        console.log('  Add a second place (external drive, NAS): keepsake destinations add local NAME DIR');
      }
      await runUntilStopped(home, { verbose: opts.verbose ?? false });
    });
}
