import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSecretFile, type EngineConnection } from './connection.js';
import { STOP_MESSAGE } from './engine-messages.js';

/**
 * What the supervisor needs of the engine's process: Electron's UtilityProcess has exactly this shape
 * (tests use a Node child process adapted to it).
 */
export interface EngineChild {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  /** SIGTERM on POSIX; on Windows it ends the process at once. */
  kill(): boolean;
  on(event: 'exit', listener: (code: number) => void): this;
  on(event: 'message', listener: (message: unknown) => void): this;
}

/** Starts a process running `modulePath` with `args`: `utilityProcess.fork` in the app. */
export type ForkEngine = (
  modulePath: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; stdio: 'pipe'; serviceName: string },
) => EngineChild;

export interface EngineProcessOptions {
  fork: ForkEngine;
  /** The built engine-host.js, which runs the CLI in the child. */
  hostPath: string;
  /** The built engine CLI (dist/main/engine/cli/main.js). */
  cliPath: string;
  env?: NodeJS.ProcessEnv;
  /** Where the private folder for the secret file is made (default: the OS temp folder). */
  tmpDir?: string;
  /** How long the engine may take to serve its API (default 60 s). */
  startTimeoutMs?: number;
  /** How long a stopping engine may take to finish in-flight work before it is killed (default 20 s). */
  stopTimeoutMs?: number;
  /** Waits before restarting an engine that died, one per attempt; more deaths than entries within `restartWindowMs` give up. */
  restartDelaysMs?: number[];
  /** Deaths older than this no longer count against the restart budget (default 10 min). */
  restartWindowMs?: number;
  /**
   * What to hand to each new engine (`run`) before it starts work: extra environment (KEEPSAKE_SHELL,
   * KEEPSAKE_SECRETS, see main.ts) and optionally a first message. Undefined: nothing.
   */
  handover?: () => { env: Record<string, string>; message?: unknown } | undefined;
  /** Each line the engine prints (for the log file). */
  log?: (line: string) => void;
  platform?: NodeJS.Platform;
}

/** Exit code of the CLI for errors whose message is the whole story (bad config, already running): no restart helps. */
const USER_ERROR_EXIT = 2;

/** The engine could not start or keep running; the message is for the user (the engine's own words when it said any). */
export class EngineStartError extends Error {
  override readonly name = 'EngineStartError';
}

export interface EngineProcessEvents {
  /** The engine serves its API at this connection (after every start and restart). */
  ready: [conn: EngineConnection];
  /** The engine's process ended while it was not asked to stop; a restart follows unless `failed` does. */
  exit: [code: number];
  /** The engine died and will not be restarted (a user-fixable error or too many crashes). */
  failed: [error: EngineStartError];
  /** A message the engine posted to the shell (validated by whoever listens). */
  message: [message: unknown];
}

/**
 * Runs the engine in its own process, so hashing and uploads never freeze the window: sets up the
 * embedded default (`init --defaults`), then `run --port 0 --secret-file <private temp file>`, reads the
 * URL and secret from that file and deletes it. Restarts an engine that crashed (with backoff), and on
 * `stop()` asks it to finish in-flight work and waits, killing it only after `stopTimeoutMs`.
 */
export class EngineProcess extends EventEmitter<EngineProcessEvents> {
  private child: EngineChild | undefined;
  private exited: Promise<number> | undefined;
  private conn: EngineConnection | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private deaths: number[] = [];
  private output: string[] = [];
  private starting: Promise<EngineConnection> | undefined;

  constructor(private readonly opts: EngineProcessOptions) {
    super();
  }

  /** Where the engine is, while it runs. */
  get connection(): EngineConnection | undefined {
    return this.conn;
  }

  /** The engine's process id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the engine; resolves once its API answers at the returned connection. */
  start(): Promise<EngineConnection> {
    if (this.conn) return Promise.resolve(this.conn);
    this.starting ??= this.launch().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async launch(): Promise<EngineConnection> {
    this.stopping = false;
    const init = this.spawn(['init', '--defaults']);
    const initCode = await init.exited;
    if (initCode !== 0) throw this.startError(`setting up Keepsake's home failed (exit code ${initCode})`);
    if (this.stopping) throw new EngineStartError('stopped while starting');

    const dir = mkdtempSync(join(this.opts.tmpDir ?? tmpdir(), 'keepsake-shell-'));
    const secretFile = join(dir, 'engine.json');
    try {
      const handover = this.opts.handover?.();
      const run = this.spawn(['run', '--port', '0', '--secret-file', secretFile], handover?.env);
      if (handover?.message !== undefined) run.child.postMessage(handover.message);
      this.child = run.child;
      this.exited = run.exited;
      let code: number | undefined;
      void run.exited.then((c) => (code = c));
      const deadline = performance.now() + (this.opts.startTimeoutMs ?? 60_000);
      for (;;) {
        const conn = tryRead(secretFile);
        if (conn) {
          this.conn = conn;
          break;
        }
        if (code !== undefined) {
          this.child = undefined;
          throw this.startError(`the engine stopped while starting (exit code ${code})`);
        }
        if (performance.now() > deadline) {
          await this.stop();
          throw this.startError('the engine did not start in time');
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const child = this.child!;
    void this.exited.then((code) => this.onExit(child, code));
    this.emit('ready', this.conn);
    return this.conn;
  }

  /** Posts a message to the engine's process (the answers to its secret requests); dropped while none runs. */
  post(message: unknown): void {
    this.child?.postMessage(message);
  }

  /**
   * Stops the engine cleanly: the stop message (and SIGTERM on POSIX) make it finish in-flight work and
   * checkpoint; after `stopTimeoutMs` it is killed. Resolves with its exit code once it is gone.
   */
  async stop(): Promise<{ code: number | undefined; forced: boolean }> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    const exited = this.exited;
    this.conn = undefined;
    if (!child || !exited) return { code: undefined, forced: false };
    try {
      child.postMessage(STOP_MESSAGE);
    } catch {
      // The channel is already closed: the process is on its way out, or SIGTERM below does it.
    }
    if ((this.opts.platform ?? process.platform) !== 'win32') child.kill();
    const timeout = this.opts.stopTimeoutMs ?? 20_000;
    let code = await within(exited, timeout);
    let forced = false;
    if (code === undefined && child.pid !== undefined) {
      forced = true;
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
      code = await within(exited, 5_000);
    }
    if (this.child === child) this.child = undefined;
    return { code, forced };
  }

  /** The engine's last lines of output, for an error report. */
  recentOutput(): string {
    return this.output.join('\n');
  }

  private spawn(
    cliArgs: string[],
    env?: Record<string, string>,
  ): { child: EngineChild; exited: Promise<number> } {
    const child = this.opts.fork(this.opts.hostPath, [this.opts.cliPath, ...cliArgs], {
      env: { ...(this.opts.env ?? process.env), ...env },
      stdio: 'pipe',
      serviceName: 'Keepsake engine',
    });
    const exited = new Promise<number>((resolve) => child.on('exit', resolve));
    child.on('message', (m) => this.emit('message', m));
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer | string) => {
        const lines = (partial + chunk.toString()).split(/\r?\n/);
        partial = lines.pop() ?? '';
        for (const line of lines) this.line(line);
      });
      stream?.on('end', () => partial && this.line(partial));
    }
    return { child, exited };
  }

  private line(text: string): void {
    // The engine prints a one-time login link for a browser; the shell has no use for it, logs do not keep it.
    const line = text.replace(/([?&]token=)[^\s&]+/g, '$1***');
    this.output.push(line);
    if (this.output.length > 40) this.output.shift();
    this.opts.log?.(line);
  }

  /** An error for the user: the engine's own `keepsake: ...` message when it printed one. */
  private startError(fallback: string): EngineStartError {
    const said = [...this.output].reverse().find((l) => l.startsWith('keepsake: '));
    return new EngineStartError(said ? said.slice('keepsake: '.length) : fallback);
  }

  private onExit(child: EngineChild, code: number): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.conn = undefined;
    if (this.stopping) return;
    this.emit('exit', code);
    const now = performance.now();
    this.deaths = [...this.deaths.filter((t) => now - t < (this.opts.restartWindowMs ?? 600_000)), now];
    const delays = this.opts.restartDelaysMs ?? [1_000, 5_000, 30_000];
    const delay = delays[this.deaths.length - 1];
    if (code === USER_ERROR_EXIT || delay === undefined) {
      this.emit('failed', this.startError(`the engine stopped unexpectedly (exit code ${code})`));
      return;
    }
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.start().catch((err: unknown) =>
        this.emit('failed', err instanceof EngineStartError ? err : new EngineStartError(String(err))),
      );
    }, delay);
  }
}

function tryRead(path: string): EngineConnection | undefined {
  try {
    return parseSecretFile(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // not written yet, or written half-way
  }
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
