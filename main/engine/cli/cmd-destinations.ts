import type { Command } from 'commander';
import { ConfigError, saveConfig } from '../config/config-file.js';
import { systemClock } from '../clock.js';
import { describeLocation } from '../destinations/factory.js';
import { addDestination, removeDestination, testDestination } from '../setup/destinations.js';
import { checkedConfig } from '../host/engine-host.js';
import { homeOf, type GlobalOptions } from './context.js';
import { CredentialStore } from '../config/credentials.js';
import { registerCloudDestinations } from './cmd-destinations-cloud.js';
import { requireConfig } from './cmd-folders.js';
import { printJson, table } from './output.js';
import {
  addEncryptionOptions,
  encryptChoice,
  encryptionNote,
  encryptionSetup,
  type EncryptionOptions,
} from './cmd-key.js';

/** `keepsake destinations add|list|remove|test`: where backups go. */
export function registerDestinations(program: Command): void {
  const dests = program.command('destinations').description('where backups go');
  const add = dests.command('add').description('add a destination');
  registerCloudDestinations(add);
  addEncryptionOptions(
    add
      .command('local <name> <dir>')
      .description('a local folder: an external drive or a NAS mount (created if its parent exists)')
      .option(
        '--off-laptop',
        "the folder is kept away from this computer (a NAS, a drive stored elsewhere): its copies count as off the laptop even on the laptop's disk",
      )
      .option(
        '--on-laptop',
        'the folder travels with this computer: its copies never count as off the laptop',
      ),
    'off for local folders',
  ).action(
    async (
      name: string,
      dir: string,
      opts: EncryptionOptions & { offLaptop?: boolean; onLaptop?: boolean },
      cmd: Command,
    ) => {
      if (opts.offLaptop && opts.onLaptop)
        throw new ConfigError('Choose one of --off-laptop and --on-laptop.');
      const { home, config } = requireConfig(cmd.optsWithGlobals<GlobalOptions>());
      const encryption = encryptChoice(name, 'local', opts.encrypt)
        ? encryptionSetup(home, opts.recoveryKey ?? false)
        : undefined;
      const next = await addDestination(
        config,
        {
          name,
          kind: 'local',
          path: dir,
          enabled: true,
          ...(opts.offLaptop ? { onLaptop: false } : opts.onLaptop ? { onLaptop: true } : {}),
        },
        systemClock,
        undefined,
        encryption,
      );
      saveConfig(home, next);
      const added = next.destinations.at(-1)!;
      console.log(`Added destination ${name}: ${describeLocation(added)}${encryptionNote(home, added)}`);
      encryption?.afterAdd();
    },
  );
  dests
    .command('list')
    .description('list destinations')
    .action((_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const { config } = requireConfig(g);
      const rows = config.destinations.map((d) => ({
        name: d.name,
        kind: d.kind,
        location: describeLocation(d),
        enabled: d.enabled,
        encrypted: d.encryption !== undefined,
      }));
      if (g.json) return printJson(rows);
      if (rows.length === 0)
        return console.log('No destinations. Add one with `keepsake destinations add local NAME DIR`.');
      console.log(
        table([
          ['NAME', 'KIND', 'LOCATION', 'ENABLED', 'ENCRYPTED'],
          ...rows.map((r) => [
            r.name,
            r.kind,
            r.location,
            r.enabled ? 'yes' : 'no',
            r.encrypted ? 'yes' : 'no',
          ]),
        ]),
      );
    });
  dests
    .command('set <name>')
    .description(
      'region tags (a wedding flagged EU only goes to destinations tagged EU) and where a folder is',
    )
    .option('--tag <tag...>', 'region tags, e.g. EU (replaces the ones it has)')
    .option('--no-tags', 'remove its region tags')
    .option('--off-laptop', 'a local folder kept away from this computer (a NAS, a drive at the studio)')
    .option('--on-laptop', 'a local folder that travels with this computer (the default)')
    .action(
      (
        name: string,
        opts: { tag?: string[]; tags?: boolean; offLaptop?: boolean; onLaptop?: boolean },
        cmd: Command,
      ) => {
        const { home, config } = requireConfig(cmd.optsWithGlobals<GlobalOptions>());
        const found = config.destinations.find((d) => d.name === name);
        if (!found) throw new ConfigError(`No destination named "${name}".`);
        if (opts.offLaptop && opts.onLaptop)
          throw new ConfigError('Give --off-laptop or --on-laptop, not both.');
        if ((opts.offLaptop || opts.onLaptop) && found.kind !== 'local')
          throw new ConfigError(
            `--off-laptop and --on-laptop are for local folders; ${name} is ${found.kind}.`,
          );
        let changed = { ...found };
        if (opts.tag) changed = { ...changed, tags: [...new Set(opts.tag.map((t) => t.toUpperCase()))] };
        else if (opts.tags === false) changed = { ...changed, tags: [] };
        if (changed.kind === 'local' && (opts.offLaptop || opts.onLaptop))
          changed = { ...changed, onLaptop: !opts.offLaptop };
        const next = checkedConfig({
          ...config,
          destinations: config.destinations.map((d) => (d === found ? changed : d)),
        });
        saveConfig(home, next);
        const d = next.destinations.find((x) => x.name === name)!;
        const where =
          d.kind === 'local'
            ? d.onLaptop === false
              ? ', kept off this computer'
              : ', on this computer'
            : '';
        console.log(
          `${name}: region tags ${d.tags?.length ? d.tags.join(', ') : 'none'}${where}. Takes effect when Keepsake next starts.`,
        );
      },
    );
  dests
    .command('remove <name>')
    .description('stop backing up to a destination (what is stored there is left alone)')
    .action((name: string, _opts: unknown, cmd: Command) => {
      const { home, config } = requireConfig(cmd.optsWithGlobals<GlobalOptions>());
      saveConfig(home, removeDestination(config, name));
      new CredentialStore(home).delete(name);
      console.log(`Removed destination ${name}. Nothing stored there was deleted.`);
    });
  dests
    .command('test <name>')
    .description('write, read back, verify and delete a probe object, saying what failed')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const { config } = requireConfig(g);
      const dest = config.destinations.find((d) => d.name === name);
      if (!dest) throw new ConfigError(`No destination named "${name}".`);
      const secret =
        dest.kind !== 'local' && dest.credentials === 'stored'
          ? new CredentialStore(homeOf(g)).get(dest.name)
          : undefined;
      const steps = await testDestination(dest, secret);
      const ok = steps.every((s) => s.ok) && steps.length >= 4;
      if (g.json) printJson({ ok, steps });
      else for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(6)} ${s.message}`);
      if (!ok) process.exitCode = 1;
    });
}
