import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeddingPolicy } from '../../../shared/api/contract.js';
import type { DestinationConfig } from '../config/schema.js';
import type { Engine } from '../engine.js';
import { EngineHost } from '../host/engine-host.js';
import { randomBytesFor } from '../testing/corpus.js';
import { makeTestHome, type TestHome } from '../testing/home.js';
import { ApiServer } from './server.js';

// GET and POST /api/weddings/:id/policy on a real engine behind the real server and its guard.
describe('the wedding policy routes', { timeout: 60_000 }, () => {
  let h: TestHome;
  let host: EngineHost;
  let engine: Engine;
  let api: ApiServer;
  let port = 0;
  let id = 0;

  function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
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
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown }));
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  beforeAll(async () => {
    h = await makeTestHome();
    h.configure((c) => ({
      ...c,
      protection: { copies: 'policy', laptopCounts: false },
      policies: {
        ...c.policies,
        critical: { ...c.policies.critical, distinctProviders: 1, offLaptopCopies: 0 },
        standard: { ...c.policies.standard, distinctProviders: 1 },
      },
      destinations: c.destinations.map((d): DestinationConfig =>
        d.name === 'B' ? { ...d, tags: ['EU'] } : d,
      ),
    }));
    const dir = await h.wedding('2026-06-14 Smith & Jones');
    for (const n of [1, 2, 3])
      await writeFile(join(dir, `IMG_000${n}.JPG`), randomBytesFor(`api-${n}`, 30_000));
    host = await EngineHost.open({ home: h.home });
    engine = host.engine;
    expect((await engine.backupOnce()).allProtected).toBe(true);
    id = engine.store.weddings.bySlug('2026-06-14-smith-jones')!.id;
    const ui = join(h.root, 'ui');
    await mkdir(ui);
    await writeFile(join(ui, 'index.html'), '<!doctype html><title>Keepsake</title>');
    api = new ApiServer(host, { uiRoot: ui });
    port = (await api.listen()).port;
  });
  afterAll(async () => {
    await api?.close();
    await host?.close();
    await h?.remove();
  });

  it('GET: the policy now, why, its settings and how far the wedding is from its target', async () => {
    const r = await call('GET', `/api/weddings/${id}/policy`);
    expect(r.status).toBe(200);
    const p = r.json as WeddingPolicy;
    expect(p).toMatchObject({
      weddingId: id,
      mode: 'policy',
      files: 3,
      belowTarget: 0,
      shortfall: null,
      settings: { delivered: false, residency: null, override: null },
    });
    expect(p.policy.name).toBe('critical');
    expect(p.policy.why).toContain('files were ingested today');
    expect(p.requiredDestinations.sort()).toEqual(['A', 'B']);
    for (const f of engine.store.files.ofWedding(id))
      expect(engine.store.placements.of(f.hash!).map((x) => x.destination)).toEqual(['A', 'B']);
    expect((await call('GET', '/api/weddings/999/policy')).status).toBe(404);
  });

  it('POST: the new settings apply at once and every file of the wedding is queued again', async () => {
    const r = await call('POST', `/api/weddings/${id}/policy`, { residency: 'eu', copies: 1 });
    expect(r.status).toBe(200);
    const p = r.json as WeddingPolicy;
    expect(p.settings).toEqual({ delivered: false, residency: 'EU', override: { copies: 1 } });
    expect(p.policy).toMatchObject({ name: 'critical', copies: 1, residency: 'EU' });
    expect(p.requiredDestinations).toEqual(['B']);
    expect(p.requeued).toBe(3);
    expect(p.shortfall).toBeNull();
    // The running engine's cached policy was dropped: a GET right after says the same.
    const again = (await call('GET', `/api/weddings/${id}/policy`)).json as WeddingPolicy;
    expect(again.policy.why).toBe(p.policy.why);
    expect(engine.store.queue.counts().queued).toBe(3);
    // The copies on B are in the region and enough for one copy: nothing is below target.
    expect(again.belowTarget).toBe(0);
    // The queued files are placed again under the new policy: on B only, the EU destination.
    await engine.backupOnce();
    for (const f of engine.store.files.ofWedding(id))
      expect(engine.store.placements.of(f.hash!).map((x) => x.destination)).toEqual(['B']);

    // Two copies in EU: only B carries the tag, so the wedding is short and its files below target.
    const two = (await call('POST', `/api/weddings/${id}/policy`, { copies: 2 })).json as WeddingPolicy;
    expect(two.shortfall).toMatch(/EU/);
    expect(two.belowTarget).toBe(3);
    expect((await engine.status()).weddings[0]).toMatchObject({
      belowTarget: 3,
      policy: { residency: 'EU' },
    });

    const delivered = (
      await call('POST', `/api/weddings/${id}/policy`, {
        policy: 'auto',
        copies: null,
        residency: null,
        delivered: true,
      })
    ).json as WeddingPolicy;
    expect(delivered.settings).toEqual({ delivered: true, residency: null, override: null });
    // Files ingested today keep it critical, delivered or not (the dates decide first).
    expect(delivered.policy.name).toBe('critical');
  });

  it('POST: bad input is refused with 400 and a message naming the field; nothing changes', async () => {
    const before = engine.store.weddings.settings(id);
    for (const [body, message] of [
      [{ copies: 0 }, /^copies: Too small/],
      [{ policy: 'gold' }, /^policy: Invalid option/],
      [{ residency: 'not a tag' }, /^residency: a region tag/],
      [{ paused: true }, /Unrecognized key: "paused"/],
      [{}, /^nothing to change/],
      [[1, 2], /expected object/],
    ] as const) {
      const r = await call('POST', `/api/weddings/${id}/policy`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect((r.json as { error: string }).error).toMatch(message);
    }
    expect(engine.store.weddings.settings(id)).toEqual(before);
    expect((await call('POST', '/api/weddings/999/policy', { delivered: true })).status).toBe(404);
  });
});
