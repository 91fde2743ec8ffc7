import type { Command } from 'commander';
import type { Engine } from '../engine.js';
import { withEngine, type GlobalOptions } from './context.js';
import { formatBytes } from './output.js';

/** Watches and backs up until SIGINT/SIGTERM, then finishes in-flight work and exits cleanly. */
export async function runUntilStopped(engine: Engine, verbose: boolean): Promise<void> {
  const abort = new AbortController();
  const stop = (sig: string) => {
    if (abort.signal.aborted) return;
    console.log(`\n${sig}: finishing in-flight work, then stopping...`);
    abort.abort();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  let read = 0;
  let protectedFiles = 0;
  engine.on('read', (n) => (read += n));
  engine.on('file', (path, outcome) => {
    if (outcome.kind === 'protected') protectedFiles++;
    if (verbose || outcome.kind !== 'protected')
      console.log(
        `${outcome.kind}: ${path}${'reason' in outcome ? ` (${outcome.reason})` : ''}${'errors' in outcome ? ` (${outcome.errors.map((e) => e.message).join('; ')})` : ''}`,
      );
  });
  engine.on('problem', (m) => console.log(`problem: ${m}`));
  engine.on('snapshot', (s) => verbose && console.log(`snapshot written: ${s}`));
  const ticker = setInterval(() => {
    if (protectedFiles > 0)
      console.log(`${protectedFiles} file(s) protected, ${formatBytes(read)} read so far.`);
    protectedFiles = 0;
  }, 30_000);
  try {
    await engine.run(abort.signal, () =>
      console.log('Initial scan done; watching for new files. Press Ctrl-C to stop.'),
    );
  } finally {
    clearInterval(ticker);
  }
  console.log('Stopped cleanly.');
}

/** `keepsake run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('watch the folders and back up until stopped (Ctrl-C)')
    .option('-v, --verbose', 'print every file as it is protected')
    .action(async (opts: { verbose?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(g, async (engine) => {
        console.log(`Watching ${engine.config.folders.map((f) => f.path).join(', ') || '(no folders)'}`);
        console.log(
          `Backing up to ${engine.config.destinations.map((d) => d.name).join(', ') || '(no destinations)'}`,
        );
        await runUntilStopped(engine, opts.verbose ?? false);
      });
    });
}
