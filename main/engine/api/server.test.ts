import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { newConfig, saveConfig } from '../config/config-file.js';
import { DestinationError } from '../destinations/errors.js';
import { Engine } from '../engine.js';
import { addDestination } from '../setup/destinations.js';
import { addFolder } from '../setup/folders.js';
import { ApiServer } from './server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { Host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('local API server', () => {
  const base = mkdtempSync(join(tmpdir(), 'keepsake-api-'));
  const ui = join(base, 'ui');
  let engine: Engine;
  let api: ApiServer;
  let port = 0;
  let auth: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(join(base, 'Weddings'));
    mkdirSync(ui);
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Keepsake</title>');
    let config = addFolder(newConfig(), join(base, 'Weddings'), 'weddings');
    config = await addDestination(
      config,
      { name: 'Vault', kind: 'local', path: join(base, 'vault'), enabled: true, onLaptop: false },
      systemClock,
    );
    saveConfig(join(base, 'home'), config);
    engine = Engine.open({ home: join(base, 'home') });
    api = new ApiServer(engine, { uiRoot: ui });
    port = (await api.listen()).port;
    auth = { Authorization: `Bearer ${api.guard.secret}` };
  });
  afterAll(async () => {
    await api.close();
    await engine.close();
  });

  it('answers with the secret, and refuses without it or with a wrong one', async () => {
    expect((await call(port, { path: '/api/status' })).status).toBe(401);
    expect(
      (await call(port, { path: '/api/status', headers: { Authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    const ok = await call(port, { path: '/api/status', headers: auth });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).destinations[0].name).toBe('Vault');
  });

  it('refuses a foreign Origin, a cross-site fetch and a rebinding Host even with the secret', async () => {
    expect(
      (await call(port, { path: '/api/status', headers: { ...auth, Origin: 'https://evil.example' } }))
        .status,
    ).toBe(403);
    expect(
      (await call(port, { path: '/api/status', headers: { ...auth, 'Sec-Fetch-Site': 'cross-site' } }))
        .status,
    ).toBe(403);
    expect(
      (await call(port, { path: '/api/status', headers: { ...auth, Host: `evil.example:${port}` } })).status,
    ).toBe(421);
    expect(
      (await call(port, { path: '/api/status', headers: { ...auth, Origin: `http://127.0.0.1:${port}` } }))
        .status,
    ).toBe(200);
  });

  it('accepts state changes only as JSON', async () => {
    const pause = (body: string, type = 'application/json') =>
      call(port, { method: 'POST', path: '/api/pause', headers: { ...auth, 'Content-Type': type }, body });
    expect((await pause('paused=true', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await pause('{"paused":true}')).status).toBe(200);
    const bad = await pause('{"paused":"yes"}');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/paused/);
    expect((await pause('{"paused":false}')).status).toBe(200);
  });

  it('logs a browser in once through the one-time link, with a strict cookie', async () => {
    const link = new URL(api.guard.loginUrl(systemClock.now()));
    const first = await call(port, { path: link.pathname + link.search });
    expect(first.status).toBe(303);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await call(port, { path: link.pathname + link.search })).status).toBe(401);
    const session = cookie.split(';')[0]!;
    expect((await call(port, { path: '/api/status', headers: { Cookie: session } })).status).toBe(200);
    const page = await call(port, { path: '/', headers: { Cookie: session } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Keepsake</title>');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect((await call(port, { path: '/' })).status).toBe(401);
  });

  it('serves the cost report, the audit trail and destination health', async () => {
    const cost = await call(port, { path: '/api/cost', headers: auth });
    expect(cost.status).toBe(200);
    expect(JSON.parse(cost.body).destinations.map((d: { name: string }) => d.name)).toContain('Vault');
    const audit = await call(port, { path: '/api/audit', headers: auth });
    expect(audit.status).toBe(200);
    expect(Array.isArray(JSON.parse(audit.body))).toBe(true);
    const health = await call(port, { path: '/api/health', headers: auth });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).map((h: { destination: string }) => h.destination)).toEqual(['Vault']);
  });

  it('streams live events to an authenticated client', async () => {
    const got = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/events', headers: { Host: `127.0.0.1:${port}`, ...auth } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes('connected') && !text.includes('problem'))
              api.broadcast({ type: 'problem', message: 'drive unplugged' });
            if (text.includes('event: problem')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(got).toContain('"message":"drive unplugged"');
  });

  it('streams upload progress while a file is read, and counts what was read as no longer pending', async () => {
    const size = 13 * 1024 * 1024 + 123;
    const folder = join(base, 'Weddings', '2026-06-14 Smith & Jones');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'CLIP.MOV'), Buffer.alloc(size, 7));
    // Each chunk read: the bytes read so far and what the engine says is still pending at that moment.
    const samples: [number, number][] = [];
    let read = 0;
    const onRead = (n: number) => samples.push([(read += n), engine.pendingBytes()]);
    engine.on('read', onRead);
    let text = '';
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/api/events',
      headers: { Host: `127.0.0.1:${port}`, ...auth },
    });
    type Progress = { bytesRead: number; queue: { pendingBytes: number } };
    const progress = new Promise<Progress>((resolve, reject) => {
      req.on('response', (res) =>
        res.on('data', (c: Buffer) => {
          text += c.toString();
          const frames = [...text.matchAll(/event: progress\ndata: (.*)\n/g)].map(
            (m) => JSON.parse(m[1]!) as Progress,
          );
          const last = frames.find((f) => f.bytesRead >= size);
          if (last) resolve(last);
        }),
      );
      req.on('error', reject);
    });
    req.end();
    await new Promise((r) => setTimeout(r, 200)); // the stream is open before the read starts
    try {
      await engine.backupOnce();
      expect(samples.length).toBeGreaterThan(2);
      for (const [readSoFar, pending] of samples) expect(pending).toBe(Math.max(0, size - readSoFar));
      expect(engine.pendingBytes()).toBe(0);
      expect(await progress).toMatchObject({
        bytesRead: size,
        queue: { pendingBytes: 0 },
      });
    } finally {
      engine.off('read', onRead);
      req.destroy();
    }
  });

  it('streams a destination going down as a health event', async () => {
    const got = await new Promise<string>((resolve, reject) => {
      let failed = false;
      const req = request(
        { host: '127.0.0.1', port, path: '/api/events', headers: { Host: `127.0.0.1:${port}`, ...auth } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes('connected') && !failed) {
              failed = true;
              // Three failed calls in a row open the breaker: the monitor declares Vault down.
              for (let i = 0; i < 3; i++)
                engine.monitor.record('Vault', {
                  method: 'put',
                  startedAt: engine.clock.now(),
                  latencyMs: 5,
                  error: new DestinationError('unavailable', 'Vault', 'the drive is unplugged'),
                });
            }
            if (text.includes('event: health')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(got).toMatch(/"destination":"Vault","state":"down"/);
  });
});
