import { Command, CommanderError } from 'commander';
import { registerAnalyze } from './cmd-analyze.js';
import { registerBackup } from './cmd-backup.js';
import { registerCost } from './cmd-cost.js';
import { registerDevice } from './cmd-device.js';
import { registerDestinations } from './cmd-destinations.js';
import { registerFolders } from './cmd-folders.js';
import { registerInit } from './cmd-init.js';
import { registerKey } from './cmd-key.js';
import { registerOpen } from './cmd-open.js';
import { registerOptimize } from './cmd-optimize.js';
import { registerPolicy } from './cmd-policy.js';
import { registerRestore } from './cmd-restore.js';
import { registerRun } from './cmd-run.js';
import { registerStart } from './cmd-start.js';
import { registerStatus } from './cmd-status.js';
import { registerStudio } from './cmd-studio.js';
import { registerVerify } from './cmd-verify.js';
import { registerWeddings } from './cmd-weddings.js';
import { errorSentence } from './error-sentence.js';

export function buildProgram(): Command {
  const program = new Command('keepsake')
    .description('Backs up wedding photos to at least two independent places, verified.')
    .option(
      '--home <dir>',
      'folder for config and database (default: the per-user app-data folder, or KEEPSAKE_HOME)',
    )
    .option('--json', 'machine-readable output')
    .option('--debug', 'on an error, print its stack trace too (for a bug report)')
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
    registerOpen,
    registerStatus,
    registerAnalyze,
    registerPolicy,
    registerRestore,
    registerVerify,
    registerCost,
    registerOptimize,
    registerStudio,
    registerDevice,
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
    const { message, exitCode } = errorSentence(err);
    console.error(`keepsake: ${message}`);
    if (debugging(argv)) console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    return exitCode;
  }
}

/** `--debug` (anywhere before a `--`) or KEEPSAKE_DEBUG=1: stack traces are printed after the sentence. */
function debugging(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--debug') || process.env.KEEPSAKE_DEBUG === '1';
}

process.exitCode = await main(process.argv);
