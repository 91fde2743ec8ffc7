import type { Command } from 'commander';
import type { StudioView } from '../../../shared/model/studio.js';
import { ConfigError } from '../config/config-file.js';
import { firstStudioView, StudioUnavailableError, studioView } from '../studio/studio-view.js';
import { withEngine, type GlobalOptions } from './context.js';
import { formatBytes, printJson, table } from './output.js';
import { checkRecoveryKeyOption, openVault, recoveryHelp, vaultHelp } from './vault-option.js';

interface StudioOptions {
  destination?: string;
  vault?: string;
  recoveryKey?: string;
}

/** `keepsake studio`: every laptop of the studio and every wedding they stored, read from one destination. */
export function registerStudio(program: Command): void {
  program
    .command('studio')
    .description('every device of the studio and the weddings they stored, read from a destination alone')
    .option('--destination <name>', 'read this destination (default: the first that answers)')
    .option('--vault <dir>', vaultHelp)
    .option('--recovery-key <file>', recoveryHelp)
    .action(async (opts: StudioOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      checkRecoveryKeyOption(opts);
      const view = opts.vault
        ? await studioView(await openVault(opts.vault, opts.recoveryKey))
        : await withEngine(g, (engine) =>
            firstStudioView(engine.repos, opts.destination).catch((err: unknown) => {
              throw err instanceof StudioUnavailableError ? new ConfigError(err.message) : err;
            }),
          );
      if (g.json) return printJson(view);
      print(view);
    });
}

function print(v: StudioView): void {
  if (v.devices.length === 0) {
    console.log(`No device has stored a snapshot on ${v.destination} yet.`);
  } else {
    console.log(`Devices on ${v.destination}:`);
    console.log(
      table([
        ['DEVICE', 'LAST SNAPSHOT', 'WEDDINGS', 'FILES', 'SIZE'],
        ...v.devices.map((d) => [
          d.name,
          d.lastSnapshot ?? '-',
          String(d.weddings),
          String(d.files),
          formatBytes(d.bytes),
        ]),
      ]),
    );
    console.log('');
    console.log(
      table([
        ['WEDDING', 'DATE', 'FILES', 'SIZE', 'DEVICES', 'DESTINATIONS'],
        ...v.weddings.map((w) => [
          w.couple,
          w.date ?? '-',
          String(w.files),
          formatBytes(w.bytes),
          w.devices.map((d) => `${d.name} (${d.files})`).join(', '),
          String(w.destinations),
        ]),
      ]),
    );
  }
  for (const d of v.damaged)
    console.log(`WARNING ${d.key} cannot be read (${d.reason}): that device is missing above.`);
}
