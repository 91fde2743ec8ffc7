import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import { systemClock, type Clock } from '../clock.js';
import { ConfigError, loadConfig, saveConfig } from '../config/config-file.js';
import { configSchema, type Config } from '../config/schema.js';
import { Engine, type EngineEvents, type EngineOptions } from '../engine.js';

/** The engine's events, forwarded from whichever engine runs now, and `engine` after a new one took over. */
export interface HostEvents extends EngineEvents {
  engine: [engine: Engine];
}

/** What a change to the config gives: the whole new config and what to answer the caller. */
export interface ConfigChange<T> {
  config: Config;
  result: T;
  /** Runs once the new config is saved and its engine works (forget a removed destination's secret). */
  commit?: () => void | Promise<void>;
  /** Runs when the change is not applied after all (forget a secret stored for a destination). */
  rollback?: () => void | Promise<void>;
}

/** The engine's options, where its secrets come from, and how hard a new passphrase file is to guess. */
export interface EngineHostOptions extends EngineOptions {
  /**
   * Read again before each engine opens (the desktop shell's keychain: `shellSecretsFor`), so an
   * engine opened after a change sees the credentials of the destinations it has now.
   */
  secrets?: () => Promise<Pick<EngineOptions, 'credentials' | 'keys'> | undefined>;
  /** scrypt work factor of the passphrase file of a new repository key (default age's 18; tests lower it). */
  scryptWorkFactor?: number;
}

/** The new engine could not start on the changed config: the previous config and engine are back. */
export class ReconfigureError extends Error {
  override readonly name = 'ReconfigureError';
}

/** The config after a change, checked by the config schema; a ConfigError names the first bad keys. */
export function checkedConfig(config: unknown): Config {
  const parsed = configSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
  throw new ConfigError(`${issues.join('; ')}. Nothing was changed.`);
}

/** A new engine, and when it is ready (watching and scanned, or at once when the host does not run). */
interface Started {
  ready: Promise<void>;
}

interface Runner {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Owns the running Engine of one home and replaces it when the config changes, the simple robust way:
 * the change is checked and saved (atomically), the current engine's run is stopped (in-flight uploads
 * finish), the engine is closed once no request uses it, and a new one is opened on the new config,
 * prepared and run again. Requests reach the engine through `use`, which waits while a swap is under
 * way; listeners of the host hear the events of every engine in turn. A change that fails leaves the
 * previous config and a running engine on it.
 */
export class EngineHost extends EventEmitter<HostEvents> {
  readonly home: string;
  readonly clock: Clock;
  private current: Engine | undefined;
  private detach: (() => void) | undefined;
  private runner: Runner | undefined;
  /** Set while `run` is active: a new engine is run too. */
  private runSignal: AbortSignal | undefined;
  private fail: ((err: unknown) => void) | undefined;
  /** Resolves when the swap under way ends (undefined: no swap). */
  private swapping: Promise<void> | undefined;
  private readonly leases = new Map<Engine, { n: number; idle?: () => void }>();
  private queue: Promise<unknown> = Promise.resolve();
  private paused = false;
  /** The options of the last engine opened, with the secrets read for it. */
  private opened: EngineHostOptions;
  private closed = false;
  /** Why no engine runs, when even the previous config could not be opened again. */
  private broken: Error | undefined;

  private constructor(private readonly opts: EngineHostOptions) {
    super();
    this.opened = opts;
    this.home = opts.home;
    this.clock = opts.clock ?? systemClock;
  }

  /** Opens the engine of `opts.home` and takes the home's lock (Engine.prepare). */
  static async open(opts: EngineHostOptions): Promise<EngineHost> {
    const host = new EngineHost(opts);
    host.install(await host.start());
    return host;
  }

  /**
   * A host around an engine its caller opened (a test, a one-off server): requests reach it the same
   * way; a config change replaces it, and the host then owns the new engine (close the host).
   */
  static adopt(engine: Engine): EngineHost {
    const host = new EngineHost({ home: engine.home, clock: engine.clock });
    host.install(engine);
    return host;
  }

  /** The engine working now (during a swap, the one being stopped). Requests should go through `use`. */
  get engine(): Engine {
    if (!this.current) throw this.unavailable();
    return this.current;
  }

  /**
   * The options the current engine was opened with (its secrets included), for what the host sets up
   * outside an engine: the keys of a new encrypted destination.
   */
  get options(): Readonly<EngineHostOptions> {
    return this.opened;
  }

  /**
   * Runs `fn` with the current engine, after any swap under way; that engine is not closed before
   * `fn` ends, so a request is never cut off by a reconfiguration.
   */
  async use<T>(fn: (engine: Engine) => Promise<T> | T): Promise<T> {
    while (this.swapping) await this.swapping;
    const engine = this.current;
    if (!engine || this.closed) throw this.unavailable();
    const lease = this.leases.get(engine) ?? { n: 0 };
    lease.n++;
    this.leases.set(engine, lease);
    try {
      return await fn(engine);
    } finally {
      if (--lease.n === 0) {
        this.leases.delete(engine);
        lease.idle?.();
      }
    }
  }

  /** Pauses or resumes uploads; the setting carries over to the engines that follow. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.current?.setPaused(paused);
  }

  /**
   * Watches and backs up until `signal` aborts, with the current engine and each one that replaces it.
   * Rejects when an engine's run fails on its own (not when it was stopped for a swap).
   */
  async run(signal: AbortSignal, onReady?: () => void): Promise<void> {
    if (this.runSignal) throw new Error('the engine host is running already');
    this.runSignal = signal;
    const failed = new Promise<never>((_, reject) => (this.fail = reject));
    const stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      if (this.current) void this.startRun(this.current, onReady);
      await Promise.race([stopped, failed]);
    } finally {
      this.fail = undefined;
      // Stop at once, even while a change waits for its new engine to be ready; then in turn.
      this.runner?.abort.abort();
      await this.serially(() => this.stopRun());
      this.runSignal = undefined;
    }
  }

  /**
   * Changes the config: `change` gets the config as saved now and returns the whole new one (building
   * it with the setup functions that check folders and destinations). The result is checked by the
   * config schema and saved atomically, then the engine is replaced. Errors from `change` or the
   * check leave everything as it was; so does a new engine that cannot start (the previous config is
   * saved again and its engine reopened, and a ReconfigureError says why). Changes run one at a time.
   */
  reconfigure<T>(change: (config: Config) => Promise<ConfigChange<T>> | ConfigChange<T>): Promise<T> {
    return this.serially(async () => {
      if (this.closed || !this.current) throw this.unavailable();
      const before = loadConfig(this.home) ?? this.current.config;
      const proposed = await change(structuredClone(before));
      let next: Config;
      try {
        next = checkedConfig(proposed.config);
      } catch (err) {
        await proposed.rollback?.();
        throw err;
      }
      if (!isDeepStrictEqual(next, before)) {
        saveConfig(this.home, next);
        let started: Started = { ready: Promise.resolve() };
        await this.swap(async () => {
          try {
            started = await this.replace();
          } catch (err) {
            saveConfig(this.home, before);
            await proposed.rollback?.();
            try {
              await this.replace();
            } catch (again) {
              this.broken = again as Error;
              this.fail?.(again);
            }
            throw new ReconfigureError(
              `Keepsake could not start with the changed settings (${(err as Error).message}); the previous settings are in use again.`,
            );
          }
        });
        // Answer once the new engine watches its folders and has scanned them: a file copied in
        // right after the answer is seen.
        await started.ready;
      }
      await proposed.commit?.();
      return proposed.result;
    });
  }

  /** Stops the run, waits for requests using the engine, and closes it (releasing the home's lock). */
  async close(): Promise<void> {
    await this.serially(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.stopRun();
      await this.retire();
    });
  }

  private unavailable(): Error {
    if (this.broken) return new Error(`Keepsake's engine is not running: ${this.broken.message}`);
    return new Error(this.closed ? 'Keepsake is stopping.' : 'Keepsake is starting.');
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Marks a swap under way while `fn` runs: `use` waits for it. */
  private async swap(fn: () => Promise<void>): Promise<void> {
    let end!: () => void;
    this.swapping = new Promise((resolve) => (end = resolve));
    const before = this.current;
    try {
      await fn();
    } finally {
      this.swapping = undefined;
      end();
      if (this.current && this.current !== before) this.emit('engine', this.current);
    }
  }

  /** Opens an engine on the config saved now and takes the home's lock. */
  private async start(): Promise<Engine> {
    this.opened = { ...this.opts, ...(await this.opts.secrets?.()) };
    const engine = Engine.open(this.opened);
    try {
      await engine.prepare();
    } catch (err) {
      await engine.close().catch(() => undefined);
      throw err;
    }
    return engine;
  }

  /** Replaces the current engine (if any) with one on the config saved now, running it if the host runs. */
  private async replace(): Promise<Started> {
    await this.stopRun();
    await this.retire();
    const engine = await this.start();
    this.install(engine);
    if (this.runSignal && !this.runSignal.aborted) return { ready: this.startRun(engine) };
    return { ready: Promise.resolve() };
  }

  private install(engine: Engine): void {
    if (this.paused) engine.setPaused(true);
    const forward = {
      read: (n: number) => this.emit('read', n),
      file: (...a: EngineEvents['file']) => this.emit('file', ...a),
      snapshot: (w: string) => this.emit('snapshot', w),
      problem: (m: string) => this.emit('problem', m),
      restore: (p: EngineEvents['restore'][0]) => this.emit('restore', p),
      optimize: (done: number, total: number) => this.emit('optimize', done, total),
      health: (d: string) => this.emit('health', d),
    };
    engine.on('read', forward.read);
    engine.on('file', forward.file);
    engine.on('snapshot', forward.snapshot);
    engine.on('problem', forward.problem);
    engine.on('restore', forward.restore);
    engine.on('optimize', forward.optimize);
    engine.on('health', forward.health);
    this.detach = () => {
      engine.off('read', forward.read);
      engine.off('file', forward.file);
      engine.off('snapshot', forward.snapshot);
      engine.off('problem', forward.problem);
      engine.off('restore', forward.restore);
      engine.off('optimize', forward.optimize);
      engine.off('health', forward.health);
    };
    this.current = engine;
    this.broken = undefined;
  }

  /** Closes the current engine once no request uses it any more. */
  private async retire(): Promise<void> {
    const engine = this.current;
    if (!engine) return;
    const lease = this.leases.get(engine);
    if (lease) await new Promise<void>((resolve) => (lease.idle = resolve));
    this.detach?.();
    this.detach = undefined;
    this.current = undefined;
    await engine.close();
  }

  /** Runs `engine` until the next stopRun; resolves once it watches and has scanned its folders. */
  private startRun(engine: Engine, onReady?: () => void): Promise<void> {
    const abort = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const done = engine
      .run(abort.signal, () => {
        ready();
        onReady?.();
      })
      .catch((err: unknown) => this.fail?.(err))
      .finally(ready);
    this.runner = { abort, done };
    return isReady;
  }

  /** Stops the current engine's run: the watcher closes, in-flight uploads finish or checkpoint. */
  private async stopRun(): Promise<void> {
    const r = this.runner;
    if (!r) return;
    this.runner = undefined;
    r.abort.abort();
    await r.done;
  }
}
