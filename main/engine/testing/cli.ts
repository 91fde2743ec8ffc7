import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './corpus.js';

/** The CLI's entry point (what `npm run build` compiles to dist/main/engine/cli/main.js). */
export const cliEntry = join(repoRoot, 'main', 'engine', 'cli', 'main.ts');

let bundled: Promise<string> | undefined;

/**
 * Node arguments that run the CLI compiled from the current source, built once per test process:
 * esbuild (tsx's compiler) bundles main.ts into a temp folder whose node_modules links to the
 * repository's. Starting it costs a third of running the source through tsx each time, and it leaves
 * the shared dist/ alone. Falls back to running the source through tsx when esbuild cannot be loaded.
 */
export function cliNodeArgs(): Promise<string[]> {
  bundled ??= (async () => {
    removeStaleBundles();
    const dir = join(tmpdir(), `keepsake-cli-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o755); // readable by the unprivileged user some tests run it as
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    const out = join(dir, 'keepsake-cli.mjs');
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [cliEntry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: out,
      logLevel: 'silent',
    });
    return out;
  })();
  return bundled.then(
    (out) => [out],
    () => ['--import', 'tsx', cliEntry],
  );
}

/** Test workers are often killed rather than exiting, so each build removes the bundles of dead processes. */
function removeStaleBundles(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = /^keepsake-cli-(\d+)$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH')
        rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

/** How a CLI run ended. */
/** The command prefix that drops root's permission-override capabilities for a child (see CliOptions). */
export function withoutPermissionOverride(): string[] {
  if (process.getuid?.() !== 0) return [];
  return ['setpriv', '--bounding-set', '-dac_override,-dac_read_search,-fowner', '--'];
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /**
   * Run without the capabilities that let root ignore file permissions (CAP_DAC_OVERRIDE and
   * CAP_DAC_READ_SEARCH, dropped with setpriv), so a chmod 000 file really cannot be read, while the
   * repository stays reachable wherever CI cloned it (a switch to `nobody` could not enter /root).
   */
  unprivileged?: boolean;
  /** Killed with SIGKILL after this long (default 90 s): a hung CLI fails the test instead of hanging it. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** A CLI process started in the background: its output so far and a promise of how it ended. */
export interface RunningCli {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  done: Promise<CliResult>;
}

/** Starts `keepsake --home HOME ARGS...` as a child process (a real process: it can be SIGKILLed). */
export async function startCli(
  home: string,
  args: readonly string[],
  opts: CliOptions = {},
): Promise<RunningCli> {
  const node = [process.execPath, ...(await cliNodeArgs()), '--home', home, ...args];
  const command = opts.unprivileged ? [...withoutPermissionOverride(), ...node] : node;
  const child = spawn(command[0]!, command.slice(1), {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
  };
}

/** Runs `keepsake --home HOME ARGS...` to the end. */
export async function runCli(
  home: string,
  args: readonly string[],
  opts: CliOptions = {},
): Promise<CliResult> {
  return (await startCli(home, args, opts)).done;
}

/** Runs the CLI with `--json` and parses what it printed; fails with the output when it is not JSON. */
export async function runCliJson<T>(
  home: string,
  args: readonly string[],
  opts: CliOptions = {},
): Promise<{ result: CliResult; json: T }> {
  const result = await runCli(home, ['--json', ...args], opts);
  try {
    return { result, json: JSON.parse(result.stdout) as T };
  } catch {
    throw new Error(
      `keepsake ${args.join(' ')} printed no JSON (exit ${result.code ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}
