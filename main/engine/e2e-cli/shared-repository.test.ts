import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../shared/model/status.js';
import type { StudioView } from '../../../shared/model/studio.js';
import { systemClock } from '../clock.js';
import { loadConfig, saveConfig } from '../config/config-file.js';
import { CredentialStore } from '../config/credentials.js';
import type { DestinationConfig } from '../config/schema.js';
import { s3Harness } from '../destinations/testing/s3-harness.js';
import type { RestoreResult } from '../restore/restorer.js';
import { addDestination } from '../setup/destinations.js';
import { runCli, runCliJson } from '../testing/cli.js';
import { randomBytesFor } from '../testing/corpus.js';
import { makeTestHome, withTestEngine, type TestHome } from '../testing/home.js';
import { hashTree, sha256 } from '../testing/inspect.js';

// Two laptops of one studio back up the same wedding folder name into one repository: the lead's
// three photos and the second shooter's two. On f6d46b4 the second shooter's newer snapshot was the
// wedding's "latest": the lead's `restore` gave back the second shooter's files only, while its status
// still said all three were protected.

const WEDDING = '2026-06-14 Smith & Jones';
const SLUG = '2026-06-14-smith-jones';
const lead: Record<string, Buffer> = {
  'IMG_0001.CR3': randomBytesFor('lead 1', 30_000),
  'IMG_0002.CR3': randomBytesFor('lead 2', 30_001),
  'IMG_0003.CR3': randomBytesFor('lead 3', 30_002),
};
const second: Record<string, Buffer> = {
  // Same name as one of the lead's, other content: the newer one is the wedding's latest.
  'IMG_0002.CR3': randomBytesFor('second 2', 20_000),
  // The lead's photo, copied onto the second laptop: stored once.
  'from-lead.CR3': lead['IMG_0001.CR3']!,
};

const hashes = (files: Record<string, Buffer>) =>
  Object.fromEntries(Object.entries(files).map(([p, b]) => [p, sha256(b)]));

type Place = {
  name: string;
  add: (h: TestHome) => Promise<void>;
  objects: () => Promise<number>;
  /** The vault folder, for a place that is one. */
  vault?: () => string;
};

/** Two homes that share the destination `place` adds to each; the lead backs up first. */
function sharedWedding(place: Place) {
  let a: TestHome;
  let b: TestHome;
  beforeAll(async () => {
    a = await makeTestHome({ destinations: [] });
    b = await makeTestHome({ destinations: [] });
    for (const [h, name, files] of [
      [a, 'lead-laptop', lead],
      [b, 'second-shooter', second],
    ] as const) {
      await place.add(h);
      const named = await runCli(h.home, ['device', '--name', name]);
      expect(named.code, named.stderr).toBe(0);
      const dir = await h.wedding(WEDDING);
      for (const [p, data] of Object.entries(files)) await writeFile(join(dir, p), data);
      const report = await withTestEngine(h, (e) => e.backupOnce());
      expect(report.allProtected, JSON.stringify(report)).toBe(true);
    }
  }, 120_000);
  afterAll(async () => {
    await a?.remove();
    await b?.remove();
  });

  it("the wedding's latest is every device's newest snapshot, merged; the lead's status holds", async () => {
    const target = join(a.root, 'restored-latest');
    const { result, json } = await runCliJson<RestoreResult>(a.home, [
      'restore',
      '--wedding',
      SLUG,
      '--to',
      target,
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // The second shooter's IMG_0002 is newer: it wins its path; the lead's other photos are all there.
    expect(await hashTree(target)).toEqual(hashes({ ...lead, ...second }));
    expect(json.devices.map((d) => d.device).sort()).toEqual(['lead-laptop', 'second-shooter']);
    const status = await runCliJson<StatusReport>(a.home, ['status']);
    const w = status.json.weddings.find((x) => x.wedding?.slug === SLUG)!;
    expect([w.files, w.protected]).toEqual([3, 3]);
    // Content the two laptops share is stored once.
    expect(await place.objects()).toBe(4);
  });

  it("one device's view comes back with --device, the lead's own version included", async () => {
    const leadId = loadConfig(a.home)!.installId;
    const target = join(a.root, 'restored-lead');
    const { result } = await runCliJson<RestoreResult>(a.home, [
      'restore',
      '--wedding',
      SLUG,
      '--device',
      leadId,
      '--to',
      target,
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await hashTree(target)).toEqual(hashes(lead));
  });

  it('the studio view names both laptops and what each stored, from the destination alone', async () => {
    const { result, json } = await runCliJson<StudioView>(b.home, ['studio']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(json.devices.map((d) => [d.name, d.weddings, d.files])).toEqual([
      ['lead-laptop', 1, 3],
      ['second-shooter', 1, 2],
    ]);
    expect(json.weddings).toHaveLength(1);
    expect(json.weddings[0]!.slug).toBe(SLUG);
    expect(json.weddings[0]!.devices.map((d) => d.name).sort()).toEqual(['lead-laptop', 'second-shooter']);
    expect(json.weddings[0]!.bytes).toBe(
      [...Object.values(lead), ...Object.values(second)].reduce((n, x) => n + x.length, 0),
    );
    if (place.vault) {
      // The office manager's computer: only the drive, no Keepsake config.
      const office = await runCliJson<StudioView>(join(a.root, 'no-home'), [
        'studio',
        '--vault',
        place.vault(),
      ]);
      expect(office.result.code, office.result.stderr).toBe(0);
      expect(office.json.devices.map((d) => d.name)).toEqual(['lead-laptop', 'second-shooter']);
    }
  });
}

describe('two laptops share one local vault', { timeout: 180_000 }, () => {
  let vault = '';
  sharedWedding({
    name: 'vault',
    async add(h) {
      if (!vault) {
        vault = join(h.root, 'nas', 'Keepsake');
        await mkdir(join(h.root, 'nas'));
      }
      const dest: DestinationConfig = {
        name: 'NAS',
        kind: 'local',
        path: vault,
        enabled: true,
        onLaptop: false,
      };
      saveConfig(h.home, await addDestination(loadConfig(h.home)!, dest, systemClock));
    },
    objects: async () => Object.keys(await hashTree(join(vault, 'objects'))).length,
    vault: () => vault,
  });
});

describe('two laptops share one s3rver bucket', { timeout: 180_000 }, () => {
  const s3 = s3Harness();
  let bucket = '';
  beforeAll(async () => {
    await s3.setup!();
    bucket = await s3.createBucket();
  }, 60_000);
  afterAll(() => s3.teardown?.());
  sharedWedding({
    name: 's3',
    async add(h) {
      const dest: DestinationConfig = {
        name: 'S3',
        kind: 's3',
        bucket,
        region: 'us-east-1',
        endpoint: s3.endpoint,
        credentials: 'environment',
        enabled: true,
      };
      const secret = { kind: 's3' as const, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
      const config = await addDestination(loadConfig(h.home)!, dest, systemClock, {
        store: new CredentialStore(h.home),
        secret,
      });
      saveConfig(h.home, config);
    },
    async objects() {
      let n = 0;
      for await (const o of s3.destination(bucket).list('objects/')) if (o.key) n++;
      return n;
    },
  });
});

describe(
  'two laptops share one encrypted vault (the second joins with the passphrase)',
  { timeout: 180_000 },
  () => {
    let vault = '';
    sharedWedding({
      name: 'encrypted vault',
      async add(h) {
        if (!vault) {
          vault = join(h.root, 'nas', 'Keepsake');
          await mkdir(join(h.root, 'nas'));
        }
        const r = await runCli(
          h.home,
          ['destinations', 'add', 'local', 'NAS', vault, '--off-laptop', '--encrypt'],
          {
            env: { KEEPSAKE_PASSPHRASE: 'one passphrase for the studio' },
          },
        );
        expect(r.code, r.stdout + r.stderr).toBe(0);
      },
      objects: async () => Object.keys(await hashTree(join(vault, 'objects'))).length,
    });
  },
);
