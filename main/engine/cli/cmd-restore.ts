import type { Command } from 'commander';
import { resolve } from 'node:path';
import { systemClock } from '../clock.js';
import { ConfigError } from '../config/config-file.js';
import type { Repository } from '../repo/repository.js';
import { restore, type RestoreResult } from '../restore/restorer.js';
import { withEngine, type GlobalOptions } from './context.js';
import { formatBytes, printJson, progressBar, table } from './output.js';
import { checkRecoveryKeyOption, openVault, recoveryHelp, vaultHelp } from './vault-option.js';

interface RestoreOptions {
  wedding: string;
  to: string;
  snapshot?: string;
  path?: string[];
  from?: string;
  device?: string;
  vault?: string;
  recoveryKey?: string;
  overwrite?: boolean;
  rehydrate?: 'fast' | 'standard' | 'bulk';
  wait?: string;
}

function rehydrateSpeed(v: string): 'fast' | 'standard' | 'bulk' {
  if (v === 'fast' || v === 'standard' || v === 'bulk') return v;
  throw new ConfigError(`--rehydrate: expected fast, standard or bulk, got "${v}".`);
}

function report(r: RestoreResult, json: boolean): void {
  if (json) return printJson(r);
  console.log(
    `Restored ${r.restored} file(s), ${formatBytes(r.bytes)}, from snapshot ${r.snapshot.id} on ${r.from}; every file verified against its SHA-256.`,
  );
  if (r.devices.length > 1)
    console.log(
      `The wedding is shared by ${r.devices.length} devices; restored from each one's newest snapshot: ${r.devices.map((d) => `${d.device} ${d.files} file(s)`).join(', ')}.`,
    );
  const others = r.merged.filter((m) => m.destination !== r.from);
  if (others.length)
    console.log(
      `Files that only other destinations held came from their newest snapshots: ${others.map((m) => `${m.destination} (${m.snapshot.id})`).join(', ')}.`,
    );
  for (const d of r.damaged ?? [])
    console.log(
      `WARNING the manifest ${d.key} on ${d.destination} is damaged (${d.reason}): the other manifests were used; run \`npx keepsake verify\` to write it again.`,
    );
  for (const u of r.unreachable ?? [])
    console.log(
      `WARNING ${u.destination} could not be read (${u.reason}): files only it holds are not restored.`,
    );
  if (r.existing.length)
    console.log(
      `Kept ${r.existing.length} file(s) that already exist in the target (use --overwrite to replace them).`,
    );
  for (const x of r.renamed)
    console.log(`RENAMED ${x.path} restored as ${x.as}: this system cannot hold the original name.`);
  for (const x of r.refused) console.log(`REFUSED ${x.path}: ${x.reason}`);
  for (const x of r.failed) console.log(`FAILED ${x.path}: ${x.reason}`);
  const archived = r.archived.length;
  if (archived && r.archived.every((a) => a.requested)) {
    console.log(
      `${archived} file(s) are in archive storage; their rehydration was requested. Run the same restore again once it is done (typically minutes with "fast", 3-12 hours with "standard", up to 48 hours with "bulk").`,
    );
  } else if (archived) {
    console.log(
      `${archived} file(s) exist only in archive storage (${[...new Set(r.archived.map((a) => a.destination))].join(', ')}). Run again with --rehydrate fast|standard|bulk to have them made readable (the provider charges a retrieval fee).`,
    );
  }
}

/** `keepsake restore` and `keepsake snapshots`. */
export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description(
      'restore a wedding, or paths/globs inside it, at its latest or an earlier snapshot, into a folder',
    )
    .requiredOption('--wedding <slug>', 'the wedding (see `keepsake snapshots`)')
    .requiredOption('--to <dir>', 'the folder to restore into')
    .option('--snapshot <id>', 'a snapshot id (default: the latest)')
    .option('--path <glob...>', 'only these paths or globs inside the wedding, e.g. "RAW/**" "*.CR3"')
    .option('--from <destination>', 'read from this destination first')
    .option('--device <id>', "only this device's snapshots (see `keepsake snapshots`)")
    .option('--vault <dir>', vaultHelp)
    .option('--recovery-key <file>', recoveryHelp)
    .option('--overwrite', 'replace files that already exist in the target')
    .option(
      '--rehydrate <speed>',
      'for files only in archive storage: ask for them back (fast, standard or bulk)',
    )
    .option('--wait <minutes>', 'with --rehydrate: wait this long for them, restoring as they arrive', '0')
    .action(async (opts: RestoreOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const bar = progressBar(!g.json, 'Restoring');
      let started = false;
      const req = {
        wedding: opts.wedding,
        target: resolve(opts.to),
        ...(opts.snapshot ? { snapshot: opts.snapshot } : {}),
        ...(opts.device ? { device: opts.device } : {}),
        ...(opts.path ? { include: opts.path } : {}),
        overwrite: opts.overwrite ?? false,
        ...(opts.rehydrate
          ? {
              rehydrate: {
                speed: rehydrateSpeed(opts.rehydrate),
                days: 7,
                waitMs: Number(opts.wait ?? 0) * 60_000,
                clock: systemClock,
              },
            }
          : {}),
        onProgress: (p: { bytes: number; totalBytes: number }) => {
          if (!started) bar.start(p.totalBytes);
          started = true;
          bar.update(p.bytes);
        },
      };
      checkRecoveryKeyOption(opts);
      let result: RestoreResult;
      try {
        if (opts.vault) {
          const repo = await openVault(opts.vault, opts.recoveryKey);
          result = await restore({ ...req, repos: [repo] });
        } else {
          result = await withEngine(g, (engine) =>
            engine.restore({ ...req, ...(opts.from ? { from: opts.from } : {}) }),
          );
        }
      } finally {
        bar.stop();
      }
      report(result, g.json ?? false);
      if (
        result.failed.length ||
        result.refused.length ||
        result.archived.length ||
        result.unreachable.length
      )
        process.exitCode = 1;
    });

  program
    .command('snapshots')
    .description('list the snapshots stored on the destinations')
    .option('--wedding <slug>', 'only this wedding')
    .option('--vault <dir>', vaultHelp)
    .option('--recovery-key <file>', recoveryHelp)
    .action(async (opts: { wedding?: string; vault?: string; recoveryKey?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      checkRecoveryKeyOption(opts);
      const rows: {
        destination: string;
        wedding: string;
        id: string;
        createdAt: string;
        device: string | null;
      }[] = [];
      const names = new Map<string, string>();
      const list = async (repos: Repository[], report: (repo: Repository, err: Error) => void) => {
        for (const repo of repos) {
          try {
            const { devices } = await repo.readDeviceIndexes();
            for (const d of devices) names.set(d.id, d.name);
            for (const s of await repo.listSnapshots(opts.wedding))
              rows.push({
                destination: repo.name,
                wedding: s.wedding,
                id: s.id,
                createdAt: s.createdAt,
                device: s.device === null ? null : (names.get(s.device) ?? s.device),
              });
          } catch (err) {
            report(repo, err as Error);
          }
        }
      };
      if (opts.vault) {
        // Without a config nothing else is listed: a vault that cannot be read is the command's failure.
        await list([await openVault(opts.vault, opts.recoveryKey)], (_, err) => {
          throw err;
        });
      } else {
        await withEngine(g, (engine) =>
          list(engine.repos, (repo, err) => console.error(`${repo.name}: ${err.message}`)),
        );
      }
      if (g.json) return printJson(rows);
      if (rows.length === 0) return console.log('No snapshots yet.');
      console.log(
        table([
          ['WEDDING', 'SNAPSHOT', 'DEVICE', 'DESTINATION'],
          ...rows.map((r) => [r.wedding, r.id, r.device ?? '-', r.destination]),
        ]),
      );
    });
}
