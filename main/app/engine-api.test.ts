import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../shared/api/contract.js';
import type { StatusReport } from '../../shared/model/status.js';
import { SESSION_COOKIE, type EngineConnection } from './connection.js';
import { EngineApiError, EngineClient } from './engine-client.js';
import { EngineProcess } from './engine-process.js';
import { followEvents } from './event-stream.js';
import { PauseController } from './pause.js';
import { StatusFeed } from './status-feed.js';
import { trayStateFor } from './tray-state.js';
import { engineBuild } from './testing/node-child.js';

// The shell's API client, event stream, status feed and pause, against the real engine's server.
const base = mkdtempSync(join(tmpdir(), 'keepsake-shell-api-'));
const home = join(base, 'home');
let engine: EngineProcess;
let conn: EngineConnection;
let client: EngineClient;

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const files = (s: StatusReport) => s.weddings.reduce((n, w) => n + w.files, 0);
const protectedFiles = (s: StatusReport) => s.weddings.reduce((n, w) => n + w.protected, 0);
/** Copied, but only to the embedded default vault, on the laptop's own disk: not protected. */
const onLaptopOnly = (s: StatusReport) => s.weddings.reduce((n, w) => n + (w.laptopOnly ?? 0), 0);

beforeAll(async () => {
  engine = new EngineProcess({
    ...(await engineBuild()),
    env: { ...process.env, KEEPSAKE_HOME: home },
    tmpDir: base,
  });
  conn = await engine.start();
  client = new EngineClient(conn);
});
afterAll(async () => {
  await engine?.stop();
  rmSync(base, { recursive: true, force: true });
});

describe("the shell's view of the engine", () => {
  it('reads the status with the secret; the window cookie is the one the engine takes', async () => {
    const status = await client.status();
    expect(status.home).toBe(home);
    expect(status.destinations.map((d) => [d.name, d.reachable])).toEqual([['Vault', true]]);
    expect(trayStateFor(status, false)).toBe('protected'); // nothing to back up yet
    const withCookie = await fetch(`${conn.url}api/status`, {
      headers: { Cookie: `${SESSION_COOKIE}=${conn.secret}` },
    });
    expect(withCookie.status).toBe(200);
    const wrong = new EngineClient({ ...conn, secret: 'w'.repeat(43) });
    const error = await wrong.status().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineApiError);
    expect((error as EngineApiError).status).toBe(401);
    expect((error as Error).message).toContain('missing or wrong secret');
  });

  it('pauses and resumes backups, follows the live events, and the tray state follows', async () => {
    const events: ApiEvent[] = [];
    const stream = new AbortController();
    let opened = 0;
    void followEvents(
      conn,
      { onEvent: (e) => events.push(e), onOpen: () => opened++ },
      { signal: stream.signal },
    );
    // What the tray is fed: with no periodic refresh in this test, only events and connecting count.
    const fed: StatusReport[] = [];
    const feed = new StatusFeed((s) => fed.push(s), { refreshMs: 3_600_000, afterFileMs: 200 });
    feed.follow(conn);
    let now = Date.now();
    const pause = new PauseController({
      setPaused: (p) => client.setPaused(p),
      now: () => now,
      onChange: () => {},
    });
    await pause.pause(now + 3_600_000);

    const wedding = join(home, 'Weddings', '2026-06-14 Smith & Jones');
    mkdirSync(wedding, { recursive: true });
    writeFileSync(join(wedding, 'DSC_0001.NEF'), Buffer.alloc(200_000, 7));
    await client.backupNow();
    const seen = await until(
      'the file to be seen',
      () => client.status(),
      (s) => files(s) === 1,
    );
    expect(seen.weddings[0]!.wedding?.couple).toBe('Smith & Jones');
    // Paused: the file waits. The tray says paused (and would say working without the pause).
    await new Promise((r) => setTimeout(r, 3000));
    const waiting = await client.status();
    expect(protectedFiles(waiting)).toBe(0);
    expect(trayStateFor(waiting, pause.paused)).toBe('paused');
    expect(trayStateFor(waiting, false)).toBe('working');

    // The deadline passes: the pause ends by itself and the file gets its copy, in the embedded
    // default vault on this laptop's disk: the tray says so instead of going green.
    now += 3_600_000;
    await pause.tick();
    expect(pause.paused).toBe(false);
    const done = await until(
      'the file to be copied',
      () => client.status(),
      (s) => onLaptopOnly(s) === 1 && s.queue.running + s.queue.retrying === 0,
      60_000, // its snapshot waits for 30 s of quiet first; until then it is "awaiting a manifest"
    );
    expect(protectedFiles(done)).toBe(0);
    expect(done.allProtected).toBe(false);
    expect(trayStateFor(done, false)).toBe('attention');
    await until(
      'the event stream to tell',
      async () => events,
      (e) => e.some((x) => x.type === 'file'),
    );
    expect(opened).toBe(1);
    expect(events).toContainEqual({
      type: 'file',
      path: join(wedding, 'DSC_0001.NEF'),
      outcome: 'protected',
    });
    // Status events follow a change after a short delay (a burst of files makes one).
    await until(
      'a status event',
      async () => events,
      (e) => e.some((x) => x.type === 'status'),
    );
    // The tray's feed ends on the truth: the file copied, only on the laptop, the tray asking for a second place.
    const last = await until(
      'the feed to catch up',
      async () => fed.at(-1),
      (s) => !!s && onLaptopOnly(s) === 1,
    );
    expect(trayStateFor(last!, false)).toBe('attention');
    feed.stop();
    stream.abort();
    pause.dispose();
  }, 120_000);

  it('protects now on request', async () => {
    expect(await client.backupNow()).toEqual({ queued: expect.any(Number) });
  });

  it('feeds the tray a status on connecting, and stops when told', async () => {
    const statuses: StatusReport[] = [];
    const feed = new StatusFeed((s) => statuses.push(s));
    feed.follow(conn);
    await until(
      'a status',
      async () => statuses.length,
      (n) => n > 0,
    );
    expect(statuses[0]!.home).toBe(home);
    feed.stop();
  });
});
