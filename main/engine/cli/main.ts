import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config-file.js';
import { CryptoError } from '../crypto/index.js';
import { DestinationError } from '../destinations/errors.js';
import { AlreadyRunningError } from '../lock.js';
import { ManifestError } from '../repo/manifest.js';
import { StoreError } from '../store/db.js';
import { registerBackup } from './cmd-backup.js';
import { registerCost } from './cmd-cost.js';
import { registerDestinations } from './cmd-destinations.js';
import { registerFolders } from './cmd-folders.js';
import { registerInit } from './cmd-init.js';
import { registerKey } from './cmd-key.js';
import { registerPolicy } from './cmd-policy.js';
import { registerRestore } from './cmd-restore.js';
import { registerRun } from './cmd-run.js';
import { registerStart } from './cmd-start.js';
import { registerStatus } from './cmd-status.js';
import { registerVerify } from './cmd-verify.js';
import { registerWeddings } from './cmd-weddings.js';

/** Errors whose message is the whole story for the user: printed without a stack trace. */
const expected = [ConfigError, StoreError, AlreadyRunningError, DestinationError, ManifestError, CryptoError];

export function buildProgram(): Command {
  const program = new Command('keepsake')
    .description('Backs up wedding photos to at least two independent places, verified.')
    .option(
      '--home <dir>',
      'folder for config and database (default: the per-user app-data folder, or KEEPSAKE_HOME)',
    )
    .option('--json', 'machine-readable output')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    registerInit,
    registerStart,
    registerFolders,
    registerDestinations,
    registerKey,
    registerWeddings,
    registerBackup,
    registerRun,
    registerStatus,
    registerPolicy,
    registerRestore,
    registerVerify,
    registerCost,
  ]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (expected.some((E) => err instanceof E)) {
      console.error(`keepsake: ${(err as Error).message}`);
      return 2;
    }
    console.error(`keepsake: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return 3;
  }
}

process.exitCode = await main(process.argv);
