import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddedDestination, WatchedFolder } from '../../../shared/api/contract.js';
import type { StatusReport } from '../../../shared/model/status.js';
import { configPath, loadConfig, newConfig, saveConfig } from '../config/config-file.js';
import { CREDENTIALS_FILE } from '../config/credentials.js';
import { s3Harness } from '../destinations/testing/s3-harness.js';
import { EngineHost } from '../host/engine-host.js';
import { PASSPHRASE } from '../pipeline/testing/encrypted-home.js';
import { ApiServer } from './server.js';

const SLUG = '2026-06-14-smith-jones';

/** An answer's JSON: an object (an error's `error`, an added destination's `recoveryKey`, ...). */
type Reply = { error?: string; recoveryKey?: string } & Record<string, unknown>;

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Folders and destinations added, changed and removed through the API of a running agent: the
// EngineHost saves the config and replaces the engine while the server keeps answering.
describe('changing folders, destinations and settings while Keepsake runs', { timeout: 90_000 }, () => {
  const s3 = s3Harness();
  const base = mkdtempSync(join(tmpdir(), 'keepsake-api-config-'));
  const home = join(base, 'home');
  const weddings = join(base, 'Weddings');
  const wedding = join(weddings, '2026-06-14 Smith & Jones');
  let host: EngineHost;
  let api: ApiServer;
  let port = 0;
  const abort = new AbortController();
  let running: Promise<void>;
  let stream: ClientRequest | undefined;
  let events = '';

  function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Reply }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: {
            Host: `127.0.0.1:${port}`,
            Authorization: `Bearer ${api.guard.secret}`,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Reply }));
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  const status = async () => (await call('GET', '/api/status')).json as unknown as StatusReport;
  const protectedOn = (copies: Record<string, number>, files: number) =>
    until(`${files} file(s) protected on ${Object.keys(copies).join(', ')}`, async () => {
      const w = (await status()).weddings.find((x) => x.wedding?.slug === SLUG);
      return w &&
        w.files === files &&
        w.protected === files &&
        JSON.stringify(w.copies) === JSON.stringify(copies)
        ? w
        : undefined;
    });
  const photo = (name: string) => {
    mkdirSync(wedding, { recursive: true });
    writeFileSync(join(wedding, name), randomBytes(120_000));
  };

  beforeAll(async () => {
    await s3.setup!();
    mkdirSync(weddings);
    mkdirSync(join(base, 'ui'));
    writeFileSync(join(base, 'ui', 'index.html'), '<!doctype html><title>Keepsake</title>');
    // An empty Keepsake: no folder, no destination (what `keepsake init` makes).
    saveConfig(home, { ...newConfig(), watch: { stableMs: 200 } });
    host = await EngineHost.open({ home, snapshotDelayMs: 200, scryptWorkFactor: 10 });
    api = new ApiServer(host, { uiRoot: join(base, 'ui') });
    port = (await api.listen()).port;
    running = host.run(abort.signal);
    // One live event stream, opened before any change: it must carry the events of every engine.
    await new Promise<void>((resolve, reject) => {
      stream = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/events',
          headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${api.guard.secret}` },
        },
        (res) => {
          res.on('data', (c: Buffer) => (events += c.toString()));
          resolve();
        },
      );
      stream.on('error', (err) => (abort.signal.aborted ? undefined : reject(err)));
      stream.end();
    });
  });

  afterAll(async () => {
    stream?.destroy();
    abort.abort();
    await running;
    await api?.close();
    await host?.close();
    await s3.teardown!();
    rmSync(base, { recursive: true, force: true });
  });

  it('adds a folder and a local destination to the running agent, and a new file in it gets protected', async () => {
    const first = host.engine;
    // Requests made during the change wait for the new engine rather than failing.
    const [added, during] = await Promise.all([
      call('POST', '/api/folders', { path: weddings, kind: 'weddings' }),
      call('GET', '/api/status'),
    ]);
    expect(added.status).toBe(200);
    expect(added.json as unknown as WatchedFolder[]).toEqual([{ path: weddings, kind: 'weddings' }]);
    expect(during.status).toBe(200);
    expect(host.engine).not.toBe(first);

    const vault = await call('POST', '/api/destinations', {
      name: 'Vault',
      kind: 'local',
      onLaptop: false,
      path: join(base, 'Vault'),
    });
    expect(vault.status).toBe(200);
    expect(vault.json).toEqual({
      name: 'Vault',
      kind: 'local',
      location: join(base, 'Vault'),
      enabled: true,
      encrypted: false,
    } satisfies AddedDestination);
    const saved = loadConfig(home)!;
    expect(saved.folders).toEqual([{ path: weddings, kind: 'weddings' }]);
    expect(saved.destinations.map((d) => d.name)).toEqual(['Vault']);

    photo('IMG_0001.JPG');
    await protectedOn({ Vault: 1 }, 1);
    expect(readdirSync(join(base, 'Vault', 'objects')).length).toBeGreaterThan(0);
    // The stream opened before both changes heard the new engine's file event.
    await until('the file event on the open stream', async () =>
      events.includes('event: file') && events.includes('IMG_0001.JPG') ? true : undefined,
    );
    expect(events).toContain('event: status');
  });

  it('refuses bad changes with 400 and a reason, leaving the config and the engine as they were', async () => {
    const before = readFileSync(configPath(home), 'utf8');
    const engine = host.engine;
    const refused: [string, unknown, RegExp][] = [
      ['/api/folders', { path: join(base, 'Missing'), kind: 'weddings' }, /does not exist/],
      ['/api/folders', { path: 'Pictures/Weddings', kind: 'weddings' }, /full folder path/],
      ['/api/folders', { path: join(base, 'Vault'), kind: 'weddings' }, /overlaps the destination folder/],
      ['/api/folders/remove', { path: join(base, 'Elsewhere') }, /not a watched folder/],
      ['/api/destinations', { name: 'Vault', kind: 'local', path: join(base, 'Other') }, /exists already/],
      ['/api/destinations', { name: 'Drive', kind: 'local', path: join(base, 'NoDrive', 'K') }, /plugged in/],
      ['/api/destinations', { name: 'Drive', kind: 'local', path: wedding }, /overlaps the watched folder/],
      ['/api/destinations', { name: 'Bad/Name', kind: 'local', path: join(base, 'X') }, /^name: /],
      ['/api/destinations/update', { name: 'Nope', enabled: false }, /No destination named "Nope"/],
      ['/api/destinations/update', { name: 'Vault', regionTags: ['not a tag'] }, /tags/],
      ['/api/destinations/remove', { name: 'Nope' }, /No destination named "Nope"/],
      ['/api/settings', { transfer: { concurrency: 99 } }, /transfer\.concurrency/],
      ['/api/settings', { policies: { standard: { copies: 1, distinctProviders: 2 } } }, /distinctProviders/],
      ['/api/settings', { protection: { copies: 'many' } }, /protection/],
    ];
    for (const [path, body, message] of refused) {
      const r = await call('POST', path, body);
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.json.error).toMatch(message);
    }
    expect(readFileSync(configPath(home), 'utf8')).toBe(before);
    expect(host.engine).toBe(engine);
    expect(existsSync(join(base, 'Other'))).toBe(false);
    // The engine still runs: the next file is protected as usual.
    photo('IMG_0002.JPG');
    await protectedOn({ Vault: 2 }, 2);
  });

  it('gives a new destination every file, then updates it and removes it; what it holds stays', async () => {
    const drive = await call('POST', '/api/destinations', {
      name: 'Drive',
      kind: 'local',
      onLaptop: false,
      path: join(base, 'Drive'),
    });
    expect(drive.status).toBe(200);
    await protectedOn({ Vault: 2, Drive: 2 }, 2);

    const updated = await call('POST', '/api/destinations/update', {
      name: 'Drive',
      enabled: false,
      regionTags: ['EU'],
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ name: 'Drive', enabled: false });
    expect(loadConfig(home)!.destinations.find((d) => d.name === 'Drive')).toMatchObject({
      enabled: false,
      tags: ['EU'],
    });
    expect(host.engine.repos.map((r) => r.name)).toEqual(['Vault']);

    const removed = await call('POST', '/api/destinations/remove', { name: 'Drive' });
    expect(removed).toEqual({ status: 200, json: { removed: 'Drive' } });
    expect(
      ((await call('GET', '/api/destinations')).json as unknown as { name: string }[]).map((d) => d.name),
    ).toEqual(['Vault']);
    expect(readdirSync(join(base, 'Drive', 'objects')).length).toBeGreaterThan(0);
  });

  it('encrypts a destination on request: a passphrase is needed, the recovery key is answered once', async () => {
    const safe = { name: 'Safe', kind: 'local', path: join(base, 'Safe'), encrypt: true, onLaptop: false };
    const none = await call('POST', '/api/destinations', safe);
    expect(none.status).toBe(400);
    expect(none.json.error).toMatch(/passphrase: choose one/);
    const short = await call('POST', '/api/destinations', { ...safe, passphrase: 'too short' });
    expect(short.status).toBe(400);
    expect(short.json.error).toMatch(/at least 12 characters/);
    expect(loadConfig(home)!.destinations.map((d) => d.name)).toEqual(['Vault']);

    const added = await call('POST', '/api/destinations', { ...safe, passphrase: PASSPHRASE });
    expect(added.status).toBe(200);
    expect(added.json).toMatchObject({ name: 'Safe', encrypted: true });
    expect(added.json.recoveryKey).toMatch(/\S{20,}/);
    expect(loadConfig(home)!.destinations.find((d) => d.name === 'Safe')?.encryption?.keyId).toMatch(
      /^[0-9a-f]{16}$/,
    );
    expect(readFileSync(configPath(home), 'utf8')).not.toContain(PASSPHRASE);
    await protectedOn({ Vault: 2, Safe: 2 }, 2);
  });

  it('adds a cloud destination encrypted by default, keeping its keys out of the config and the answer', async () => {
    const bucket = await s3.createBucket();
    const cloud = {
      name: 'Cloud',
      kind: 's3',
      bucket,
      endpoint: s3.endpoint,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    };
    const missing = await call('POST', '/api/destinations', { ...cloud, bucket: 'no-such-bucket' });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatch(/no-such-bucket|does not exist/);

    const added = await call('POST', '/api/destinations', cloud);
    expect(added.status).toBe(200);
    // It shares the key of the encrypted destination added before: no passphrase, no new recovery key.
    expect(added.json).toEqual({
      name: 'Cloud',
      kind: 's3',
      location: `s3://${bucket} at ${s3.endpoint}`,
      enabled: true,
      encrypted: true,
    });
    const config = readFileSync(configPath(home), 'utf8');
    expect(config).not.toContain('S3RVER');
    expect(loadConfig(home)!.destinations.find((d) => d.name === 'Cloud')).toMatchObject({
      credentials: 'stored',
      encryption: { keyId: expect.stringMatching(/^[0-9a-f]{16}$/) },
    });
    expect(JSON.parse(readFileSync(join(home, CREDENTIALS_FILE), 'utf8')).secrets.Cloud).toEqual({
      kind: 's3',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    });
    await protectedOn({ Vault: 2, Safe: 2, Cloud: 2 }, 2);

    await call('POST', '/api/destinations/remove', { name: 'Cloud' });
    expect(JSON.parse(readFileSync(join(home, CREDENTIALS_FILE), 'utf8')).secrets.Cloud).toBeUndefined();
  });

  it('changes settings and answers them; pausing carries over to the next engine', async () => {
    const r = await call('POST', '/api/settings', {
      protection: { copies: 1 },
      transfer: { concurrency: 2 },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      protection: { copies: 1 },
      transfer: { concurrency: 2 },
    });
    expect(loadConfig(home)!.transfer.concurrency).toBe(2);

    expect((await call('POST', '/api/pause', { paused: true })).json).toEqual({ paused: true });
    await call('POST', '/api/settings', { protection: { copies: 'all' } });
    photo('IMG_0003.JPG');
    await until('the paused file to be queued', async () => {
      const w = (await status()).weddings.find((x) => x.wedding?.slug === SLUG);
      return w?.files === 3 ? w : undefined;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect((await status()).weddings[0]!.protected).toBe(2);
    await call('POST', '/api/pause', { paused: false });
    await protectedOn({ Vault: 3, Safe: 3 }, 3);

    const estimate = await call('POST', '/api/cost/retrieval', {
      destination: 'Vault',
      bytes: 1_000_000,
      objects: 3,
      speed: 'standard',
    });
    expect(estimate.status).toBe(200);
    expect(estimate.json).toMatchObject({ provider: 'local', total: 0 });
    expect(
      (
        await call('POST', '/api/cost/retrieval', {
          destination: 'Nope',
          bytes: 1,
          objects: 1,
          speed: 'bulk',
        })
      ).status,
    ).toBe(404);
  });
});
