import type { Command } from 'commander';
import { ApiServer } from '../api/server.js';
import { defaultUiRoot } from '../api/ui-root.js';
import type { Engine } from '../engine.js';
import { EngineHost } from '../host/engine-host.js';
import { shellSecretsFor } from '../secrets/shell-secrets.js';
import { homeOf, type GlobalOptions } from './context.js';
import { formatBytes } from './output.js';
import { lastPort, removeAgent, writeAgent } from './agent-file.js';
import { RepeatedLines } from './repeated-lines.js';
import { refuseSymlink, writeOwnerOnly } from '../owner-only.js';

/** Watches and backs up until SIGINT/SIGTERM, then finishes in-flight work and exits cleanly. */
export interface RunOptions {
  verbose: boolean;
  /** Port for the local UI and API (default: a free one). */
  port?: number;
  /** Write `{ url, secret }` here (mode 0600) for a program that drives the API, e.g. the desktop shell. */
  secretFile?: string;
}

function announce(engine: Engine): void {
  console.log(`Watching ${engine.config.folders.map((f) => f.path).join(', ') || '(no folders)'}`);
  console.log(
    `Backing up to ${engine.config.destinations.map((d) => d.name).join(', ') || '(no destinations)'}`,
  );
}

/**
 * Runs the engine of `home` with its local API until stopped. The engine lives in an EngineHost, so
 * folders, destinations and settings changed from the window take effect without a restart.
 */
export async function runUntilStopped(home: string, opts: RunOptions): Promise<void> {
  // A secret file that would be written through a symlink is refused before anything starts.
  if (opts.secretFile) refuseSymlink(opts.secretFile);
  // Take the home's lock before announcing the server: a second Keepsake fails here, plainly.
  // Under the desktop shell, credentials and keys come from its keychain vault (read for every engine).
  const host = await EngineHost.open({ home, secrets: () => shellSecretsFor(home) });
  try {
    announce(host.engine);
    await runHost(host, home, opts);
  } finally {
    await host.close();
  }
}

/**
 * The API server on `port` (the last run's when none is given, so an open window's address stays
 * the same), or on any free port when that one is taken.
 */
async function listenApi(host: EngineHost, home: string, port: number | undefined) {
  const wanted = port ?? lastPort(home);
  const api = new ApiServer(host, { uiRoot: defaultUiRoot(), ...(wanted ? { port: wanted } : {}) });
  try {
    return { api, ...(await api.listen()) };
  } catch (err) {
    if (port !== undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const any = new ApiServer(host, { uiRoot: defaultUiRoot() });
    return { api: any, ...(await any.listen()) };
  }
}

async function runHost(host: EngineHost, home: string, opts: RunOptions): Promise<void> {
  const verbose = opts.verbose;
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
  host.on('read', (n) => (read += n));
  // The same reason for many files (a destination that is down) is one line, with a count.
  const problems = new RepeatedLines(
    (l) => console.log(l),
    () => host.clock.now(),
  );
  host.on('file', (path, outcome) => {
    if (outcome.kind === 'protected') protectedFiles++;
    const why =
      'reason' in outcome
        ? outcome.reason
        : 'errors' in outcome
          ? outcome.errors.map((e) => e.message).join('; ')
          : '';
    const line = `${outcome.kind}: ${path}${why ? ` (${why})` : ''}`;
    if (verbose) console.log(line);
    else if (outcome.kind !== 'protected') problems.report(`${outcome.kind}: ${why}`, line);
  });
  host.on('problem', (m) => problems.report(m, `problem: ${m}`));
  host.on('snapshot', (s) => verbose && console.log(`snapshot written: ${s}`));
  host.on('engine', (engine) => {
    console.log('Settings changed from the window:');
    announce(engine);
  });
  const ticker = setInterval(() => {
    problems.flush();
    if (protectedFiles > 0)
      console.log(`${protectedFiles} file(s) protected, ${formatBytes(read)} read so far.`);
    protectedFiles = 0;
  }, 30_000);
  const { api, url } = await listenApi(host, home, opts.port);
  console.log(`Keepsake's window: open ${api.guard.loginUrl(host.clock.now())}`);
  console.log(
    `  (the link works once; \`npx keepsake open\` prints a new one; API at ${url}api/, secret-protected)`,
  );
  if (opts.secretFile) writeOwnerOnly(opts.secretFile, JSON.stringify({ url, secret: api.guard.secret }));
  writeAgent(home, { url, secret: api.guard.secret, pid: process.pid });
  try {
    await host.run(abort.signal, () =>
      console.log('Initial scan done; watching for new files. Press Ctrl-C to stop.'),
    );
  } finally {
    clearInterval(ticker);
    problems.flush();
    removeAgent(home, process.pid);
    await api.close();
  }
  console.log('Stopped cleanly.');
}

/** `keepsake run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('watch the folders and back up until stopped (Ctrl-C)')
    .option('-v, --verbose', 'print every file as it is protected')
    .option('--port <port>', 'port of the local UI and API on 127.0.0.1 (default: a free one)', Number)
    .option('--secret-file <file>', 'write the API URL and secret to this file (owner-only)')
    .action(async (opts: { verbose?: boolean; port?: number; secretFile?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      await runUntilStopped(homeOf(g), {
        verbose: opts.verbose ?? false,
        ...(opts.port ? { port: opts.port } : {}),
        ...(opts.secretFile ? { secretFile: opts.secretFile } : {}),
      });
    });
}
