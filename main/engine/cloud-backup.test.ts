import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';
import { newConfig, saveConfig } from './config/config-file.js';
import { CredentialStore } from './config/credentials.js';
import type { Config } from './config/schema.js';
import { AZURITE_KEY, azureHarness } from './destinations/testing/azure-harness.js';
import { addAzurite, addGcsEmulator } from './destinations/testing/emulator-destinations.js';
import { GcsEmulator } from './destinations/testing/gcs-harness.js';
import { s3Harness } from './destinations/testing/s3-harness.js';
import { Engine } from './engine.js';
import { addDestination } from './setup/destinations.js';
import { addFolder } from './setup/folders.js';

/**
 * The engine end to end against real S3 (s3rver), Azure (azurite) and GCS (the firebase storage
 * emulator) servers: configured through the same setup code the CLI uses, secrets in the
 * credential store, one backup fanned out to all three, restores from each, a clean verify.
 */
describe('backup to three clouds at once', () => {
  const s3 = s3Harness();
  const azure = azureHarness();
  const gcs = new GcsEmulator();
  const base = mkdtempSync(join(tmpdir(), 'keepsake-cloud-'));
  const home = join(base, 'home');
  const wedding = join(base, 'Weddings', '2026-09-12 Garcia & Chen');
  const files: Record<string, Buffer> = {
    'RAW/IMG_0001.CR3': randomBytes(3_000_000),
    'RAW/IMG_0002.CR3': randomBytes(12_500_000),
    'JPEG/IMG_0001.JPG': randomBytes(700_000),
    'RAW/IMG_0001.xmp': Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'),
  };

  beforeAll(async () => {
    await Promise.all([s3.setup!(), azure.setup!(), gcs.start()]);
    for (const [p, data] of Object.entries(files)) {
      mkdirSync(join(wedding, p, '..'), { recursive: true });
      writeFileSync(join(wedding, p), data);
    }
    const credentials = new CredentialStore(home);
    let config: Config = addFolder(newConfig(), join(base, 'Weddings'), 'weddings');
    config = await addDestination(
      config,
      {
        name: 'S3',
        kind: 's3',
        bucket: await s3.createBucket(),
        region: 'us-east-1',
        endpoint: s3.endpoint,
        credentials: 'environment',
        enabled: true,
      },
      systemClock,
      { store: credentials, secret: { kind: 's3', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } },
    );
    config = await addAzurite(config, azure, credentials);
    config = await addGcsEmulator(config, gcs);
    saveConfig(home, config);
  });

  afterAll(async () => {
    await Promise.all([s3.teardown!(), azure.teardown!(), gcs.stop()]);
  });

  it('keeps secrets out of config.json, in an owner-only credentials file', () => {
    const configText = readFileSync(join(home, 'config.json'), 'utf8');
    expect(configText).not.toContain(AZURITE_KEY);
    expect(configText).toMatch(/"credentials": "stored"/);
    expect(statSync(join(home, 'credentials.json')).mode & 0o777).toBe(0o600);
  });

  it('backs up once to all three, restores from each byte for byte, and verifies clean', async () => {
    const engine = Engine.open({ home });
    try {
      const report = await engine.backupOnce();
      expect(report.allProtected).toBe(true);
      expect(report.weddings[0]!.copies).toEqual({ S3: 4, Azure: 4, GCS: 4 });
      expect(JSON.stringify(report)).not.toContain(AZURITE_KEY);
      for (const from of ['S3', 'Azure', 'GCS']) {
        const target = join(base, `restored-${from}`);
        const result = await engine.restore({ wedding: '2026-09-12-garcia-chen', target, from });
        expect(result.from).toBe(from);
        expect(result.restored).toBe(4);
        for (const [p, data] of Object.entries(files))
          expect(readFileSync(join(target, p)).equals(data), `${from}: ${p}`).toBe(true);
      }
      const verify = await engine.verify();
      expect(verify).toMatchObject({
        checked: 12,
        ok: 12,
        missing: [],
        corrupt: [],
        unreachable: [],
        tamperedManifests: [],
      });
    } finally {
      await engine.close();
    }
  });
});
