import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, newConfig, saveConfig } from '../config/config-file.js';
import { CredentialStore } from '../config/credentials.js';
import { azureHarness } from '../destinations/testing/azure-harness.js';
import { addAzurite, addGcsEmulator } from '../destinations/testing/emulator-destinations.js';
import { GcsEmulator } from '../destinations/testing/gcs-harness.js';
import { s3Harness } from '../destinations/testing/s3-harness.js';
import { Engine } from '../engine.js';
import { addFolder } from '../setup/folders.js';
import { runCli } from '../testing/cli.js';
import { PASSPHRASE, testEncryption } from './testing/encrypted-home.js';

const SLUG = '2026-09-12-garcia-chen';
const S3_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

/**
 * One small wedding backed up through the engine to encrypted S3 (s3rver), Azure (azurite) and GCS
 * (the emulator) at once, then restored byte for byte from each. S3 is added with the CLI, where
 * encryption is the default for a cloud destination.
 */
describe('encrypted backup to three clouds', { timeout: 240_000 }, () => {
  const s3 = s3Harness();
  const azure = azureHarness();
  const gcs = new GcsEmulator();
  const base = mkdtempSync(join(tmpdir(), 'keepsake-enc-cloud-'));
  const home = join(base, 'home');
  const wedding = join(base, 'Weddings', '2026-09-12 Garcia & Chen');
  const files: Record<string, Buffer> = {
    'RAW/IMG_0001.CR3': randomBytes(3_000_000),
    'JPEG/IMG_0001.JPG': randomBytes(700_000),
    'RAW/IMG_0001.xmp': Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'),
  };
  let bucket = '';
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    await Promise.all([s3.setup!(), azure.setup!(), gcs.start()]);
    for (const [p, data] of Object.entries(files)) {
      mkdirSync(join(wedding, p, '..'), { recursive: true });
      writeFileSync(join(wedding, p), data);
    }
    saveConfig(home, addFolder(newConfig(), join(base, 'Weddings'), 'weddings'));
    bucket = await s3.createBucket();
  });

  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([s3.teardown!(), azure.teardown!(), gcs.stop()]);
  });

  it('the CLI encrypts a cloud destination by default, and warns when told not to', async () => {
    const r = await runCli(
      home,
      ['destinations', 'add', 's3', 'S3', '--bucket', bucket, '--endpoint', s3.endpoint],
      { env: { ...S3_ENV, KEEPSAKE_PASSPHRASE: PASSPHRASE } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('WARNING: S3');
    expect(r.stdout).toMatch(/\(encrypted with key [0-9a-f]{16}/);

    const plain = await runCli(
      home,
      [
        'destinations',
        'add',
        's3',
        'S3plain',
        '--bucket',
        await s3.createBucket(),
        '--endpoint',
        s3.endpoint,
        '--no-encrypt',
      ],
      { env: S3_ENV },
    );
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('WARNING: S3plain will store photos and manifests UNENCRYPTED');
    expect(plain.stdout).toContain('(not encrypted)');
    const config = loadConfig(home)!;
    expect(config.destinations.map((d) => [d.name, d.encryption !== undefined])).toEqual([
      ['S3', true],
      ['S3plain', false],
    ]);
    expect((await runCli(home, ['destinations', 'remove', 'S3plain'])).code).toBe(0);
  });

  it('backs up once to all three, restores from each byte for byte, verifies clean', async () => {
    const credentials = new CredentialStore(home);
    const noPassphrase = { ...testEncryption(home), passphrase: () => Promise.reject(new Error('asked')) };
    let config = loadConfig(home)!;
    config = await addAzurite(config, azure, credentials, { encryption: noPassphrase });
    config = await addGcsEmulator(config, gcs, { encryption: noPassphrase });
    saveConfig(home, config);
    expect(new Set(config.destinations.map((d) => d.encryption?.keyId)).size).toBe(1);

    Object.assign(process.env, S3_ENV);
    delete process.env.KEEPSAKE_PASSPHRASE;
    const engine = Engine.open({ home });
    try {
      const report = await engine.backupOnce();
      expect(report.allProtected).toBe(true);
      expect(report.weddings[0]!.copies).toEqual({ S3: 3, Azure: 3, GCS: 3 });

      const hashes = new Set(Object.values(files).map((d) => createHash('sha256').update(d).digest('hex')));
      for (const repo of engine.repos) {
        const keys: string[] = [];
        for await (const o of repo.dest.list('')) keys.push(o.key);
        const objects = keys.filter((k) => k.startsWith('objects/'));
        expect(objects, repo.name).toHaveLength(3);
        for (const k of objects) expect(hashes.has(k.split('/').at(-1)!), k).toBe(false);
        for (const k of keys) expect(k.toLowerCase(), k).not.toMatch(/garcia|chen|2026-09-12|img_/);
        expect(keys.filter((k) => k.startsWith('snapshots/'))).toEqual([
          expect.stringMatching(/^snapshots\/[0-9a-f]{32}\/[^/]+\.json\.age$/),
        ]);
      }

      for (const from of ['S3', 'Azure', 'GCS']) {
        const target = join(base, `restored-${from}`);
        const result = await engine.restore({ wedding: SLUG, target, from });
        expect(result).toMatchObject({ from, restored: 3, failed: [] });
        for (const [p, data] of Object.entries(files))
          expect(readFileSync(join(target, p)).equals(data), `${from}: ${p}`).toBe(true);
      }

      const verify = await engine.verify();
      expect(verify).toMatchObject({ checked: 9, ok: 9, missing: [], corrupt: [], tamperedManifests: [] });
      // What verify compares: the provider's own digest of the stored bytes (S3's ETag, without any
      // download) against the ciphertext digest recorded while sending.
      const s3repo = engine.repos.find((r) => r.name === 'S3')!;
      for (const hash of hashes) {
        const recorded = engine.store.db
          .prepare(`SELECT md5 FROM replica_ciphertexts WHERE hash = ? AND destination = 'S3'`)
          .get(hash) as { md5: string };
        expect(await s3repo.dest.digest(s3repo.objectKey(hash))).toEqual({ md5: recorded.md5 });
      }
    } finally {
      await engine.close();
    }
  });
});
