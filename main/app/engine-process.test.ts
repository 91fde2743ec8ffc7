import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../shared/model/status.js';
import type { EngineConnection } from './connection.js';
import { EngineProcess, EngineStartError, type EngineProcessOptions } from './engine-process.js';
import { engineBuild, type EngineBuild } from './testing/node-child.js';
import { acquireLock } from '../engine/lock.js';

// The real engine (its CLI built from the current source) in a child process: Node's fork stands in
// for Electron's utilityProcess.fork, nothing else is replaced.
const base = mkdtempSync(join(tmpdir(), 'keepsake-shell-engine-'));
let build: EngineBuild;
const running: EngineProcess[] = [];

function engineFor(home: string, extra: Partial<EngineProcessOptions> = {}) {
  const tmp = mkdtempSync(join(base, 'tmp-'));
  const lines: string[] = [];
  const engine = new EngineProcess({
    ...build,
    env: { ...process.env, KEEPSAKE_HOME: home },
    tmpDir: tmp,
    log: (l) => lines.push(l),
    ...extra,
  });
  running.push(engine);
  return { engine, lines, tmp };
}

async function status(conn: EngineConnection): Promise<StatusReport> {
  const res = await fetch(`${conn.url}api/status`, { headers: { Authorization: `Bearer ${conn.secret}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as StatusReport;
}

function next<T extends unknown[]>(engine: EngineProcess, event: 'ready' | 'exit' | 'failed'): Promise<T> {
  return new Promise((resolve) => engine.once(event, (...args: unknown[]) => resolve(args as T)));
}

beforeAll(async () => {
  build = await engineBuild();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the engine process', () => {
  it('starts the engine, reads its URL and secret from the secret file, and stops it cleanly', async () => {
    const home = join(base, 'clean');
    const { engine, lines, tmp } = engineFor(home);
    const conn = await engine.start();
    expect(conn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(conn.origin).toBe(conn.url.slice(0, -1));
    expect(conn.secret.length).toBeGreaterThanOrEqual(32);
    // The secret file and its private folder are gone once read.
    expect(readdirSync(tmp)).toEqual([]);
    // The embedded default was set up, and the engine answers with the secret only.
    const report = await status(conn);
    expect(report.home).toBe(home);
    expect(report.destinations.map((d) => d.name)).toEqual(['Vault']);
    expect((await fetch(`${conn.url}api/status`)).status).toBe(401);
    expect(existsSync(join(home, 'keepsake.lock'))).toBe(true);

    expect(await engine.stop()).toEqual({ code: 0, forced: false });
    expect(lines).toContain('SIGTERM: finishing in-flight work, then stopping...');
    expect(lines).toContain('Stopped cleanly.');
    expect(existsSync(join(home, 'keepsake.lock'))).toBe(false);
    expect(engine.connection).toBeUndefined();
    // The one-time login link the engine prints for a browser is not kept in the shell's log.
    expect(lines.some((l) => /login\?token=\*\*\*$/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/token=(?!\*\*\*)/);
  });

  it('stops cleanly by message alone, as on Windows where there is no SIGTERM', async () => {
    const { engine, lines } = engineFor(join(base, 'windows'), { platform: 'win32' });
    await engine.start();
    expect(await engine.stop()).toEqual({ code: 0, forced: false });
    expect(lines).toContain('Stopped cleanly.');
  });

  it('kills an engine that does not stop within the timeout', async () => {
    const { engine, lines } = engineFor(join(base, 'slow'), { stopTimeoutMs: 1 });
    await engine.start();
    const stopped = await engine.stop();
    expect(stopped.forced).toBe(true);
    expect(stopped.code).toBe(128 + 9);
    // Whether it got as far as printing "Stopped cleanly." before the kill is a race; the kill is what counts.
    void lines;
  });

  it('restarts an engine that died, on a new connection, and gives up when they keep dying', async () => {
    const { engine } = engineFor(join(base, 'crash'), { restartDelaysMs: [50] });
    const first = await engine.start();
    const exit = next<[number]>(engine, 'exit');
    const ready = next<[EngineConnection]>(engine, 'ready');
    process.kill(engine.pid!, 'SIGKILL');
    expect((await exit)[0]).toBe(128 + 9);
    const [second] = await ready;
    expect(second.secret).not.toBe(first.secret);
    expect(engine.connection).toEqual(second);
    expect((await status(second)).destinations).toHaveLength(1);

    const failed = next<[EngineStartError]>(engine, 'failed');
    process.kill(engine.pid!, 'SIGKILL');
    const [error] = await failed;
    expect(error).toBeInstanceOf(EngineStartError);
    expect(error.message).toContain('stopped unexpectedly');
    expect(engine.connection).toBeUndefined();
  });

  it("fails with the engine's own words, without restarting, when another Keepsake runs on the home", async () => {
    const home = join(base, 'taken');
    const { engine } = engineFor(home, { restartDelaysMs: [50, 50, 50] });
    await engine.start();
    await engine.stop();
    // This test process holds the home's lock, as a `keepsake run` in a terminal would. The engine
    // takes the lock before it serves its API, so start() itself fails with the engine's words.
    const release = await acquireLock(join(home, 'keepsake.lock'));
    let readies = 0;
    engine.on('ready', () => readies++);
    const error = await engine.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineStartError);
    expect((error as Error).message).toContain(
      `Keepsake is already running on this home (process ${process.pid}); stop it first.`,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(readies).toBe(0); // never a restart
    expect(engine.connection).toBeUndefined();
    release();
  });
});
