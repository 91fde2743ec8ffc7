import type { Command } from 'commander';
import type { StudioView } from '../../../shared/model/studio.js';
import { ConfigError } from '../config/config-file.js';
import type { Repository } from '../repo/repository.js';
import { studioView } from '../studio/studio-view.js';
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
        : await withEngine(g, (engine) => firstThatAnswers(engine.repos, opts.destination));
      if (g.json) return printJson(view);
      print(view);
    });
}

/** The view from `name`, or from the first destination that can be read. */
async function firstThatAnswers(repos: Repository[], name: string | undefined): Promise<StudioView> {
  const candidates = name ? repos.filter((r) => r.name === name) : repos;
  if (candidates.length === 0)
    throw new ConfigError(
      name
        ? `There is no destination named "${name}" (see \`keepsake destinations list\`).`
        : 'No destination is configured: add one with `keepsake destinations add`, or read a drive with --vault DIR.',
    );
  const reasons: string[] = [];
  for (const repo of candidates) {
    try {
      return await studioView(repo);
    } catch (err) {
      reasons.push(`${repo.name}: ${(err as Error).message}`);
    }
  }
  throw new ConfigError(`No destination could be read (${reasons.join('; ')}).`);
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
