import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyCache } from '../config/key-cache.js';
import { databaseFile } from '../config/home.js';
import { unlockWithRecovery } from '../crypto/index.js';
import { LocalDestination } from '../destinations/local/local.js';
import { RepositoryKey, unlockFromCache } from '../repo/encryption.js';
import { ManifestError } from '../repo/manifest.js';
import { Repository } from '../repo/repository.js';
import { listFiles } from '../testing/inspect.js';
import { makeEncryptedHome, type EncryptedHome } from './testing/encrypted-home.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const SLUG = '2026-06-14-smith-jones';

/** Every file below `dir` with its bytes. */
function tree(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = readFileSync(join(d, e.name));
    }
  };
  walk(dir, '');
  return out;
}

/** Flips one byte in the middle of a file. */
function flipByte(path: string): void {
  const data = readFileSync(path);
  const at = data.length >> 1;
  data[at] = data[at]! ^ 0x40;
  writeFileSync(path, data);
}

describe('encrypted repositories through the engine (local vaults)', () => {
  let h: EncryptedHome;
  const files: Record<string, Buffer> = {
    'RAW/IMG_0001.CR3': randomBytes(300_000),
    'RAW/IMG_0002.CR3': randomBytes(200_000),
    'RAW/IMG_0001.xmp': Buffer.from('<x:xmpmeta/> Smith & Jones'),
    'JPEG/IMG 0001 (edit).JPG': randomBytes(150_000),
    'Video/Ceremony.MP4': randomBytes(700_000),
    'empty.txt': Buffer.alloc(0),
  };

  beforeAll(async () => {
    h = await makeEncryptedHome({ encrypted: ['Vault', 'Offsite'], plain: ['Plain'] });
    const dir = await h.wedding('2026-06-14 Smith & Jones');
    for (const [p, data] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), data);
    }
    const engine = h.open();
    try {
      const report = await engine.backupOnce();
      expect(report.allProtected).toBe(true);
      expect(report.weddings[0]!.copies).toEqual({ Vault: 6, Offsite: 6, Plain: 6 });
    } finally {
      await engine.close();
    }
  }, 120_000);
  afterAll(() => h.remove());

  it('creates one repository key for both encrypted destinations, cached owner-only, with a recovery key', async () => {
    const keys = new FileKeyCache(h.home);
    const config = JSON.parse(readFileSync(join(h.home, 'config.json'), 'utf8')) as {
      destinations: { name: string; encryption?: { keyId: string } }[];
    };
    const ids = config.destinations.map((d) => d.encryption?.keyId);
    expect(ids[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).toBeUndefined();
    const keyFile = join(keys.where, `${ids[0]}.key`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(keys.where).mode & 0o777).toBe(0o700);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/m);
    for (const vault of [h.vaults.Vault!, h.vaults.Offsite!]) {
      const marker = JSON.parse(readFileSync(join(vault, 'keepsake-repo.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(marker).toMatchObject({
        format: 'keepsake-repository',
        version: 2,
        encryption: {
          scheme: 'age-x25519-v1',
          names: 'hmac-sha256-v1',
          keyFiles: ['keys/passphrase.age', 'keys/recovery.age'],
        },
      });
      // The printed recovery key opens the repository's keys/recovery.age.
      const fromRecovery = await unlockWithRecovery(
        readFileSync(join(vault, 'keys/recovery.age')),
        h.recoveryKey!,
      );
      expect(fromRecovery).toBe((await keys.get(ids[0]!))!.identity);
    }
    const plain = JSON.parse(readFileSync(join(h.vaults.Plain!, 'keepsake-repo.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(plain).toMatchObject({ version: 1, encryption: null });
  });

  it('names objects by keyed hash, stores only ciphertext, and no path or byte shows the couple', async () => {
    const hashes = new Set(Object.values(files).map(sha256));
    for (const vault of [h.vaults.Vault!, h.vaults.Offsite!]) {
      const stored = tree(vault);
      const objects = Object.keys(stored).filter((k) => k.startsWith('objects/'));
      expect(objects).toHaveLength(6);
      for (const key of objects) {
        const name = key.split('/').at(-1)!;
        expect(hashes.has(name), key).toBe(false);
        expect(key.slice(8, 10)).toBe(name.slice(0, 2));
        expect(stored[key]!.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
      }
      for (const [path, bytes] of Object.entries(stored)) {
        expect(path.toLowerCase()).not.toMatch(/smith|jones|2026-06-14|img_|cr3|ceremony/);
        expect(bytes.includes('Smith'), path).toBe(false);
        expect(bytes.includes('IMG_0001'), path).toBe(false);
      }
      const manifests = Object.keys(stored).filter((k) => k.startsWith('snapshots/'));
      expect(manifests).toHaveLength(1);
      expect(manifests[0]).toMatch(
        /^snapshots\/[0-9a-f]{32}\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z_[0-9a-f-]{36}\.json\.age$/,
      );
    }
    // Each replica is its own encryption: the same content has the same name in both (one key) but other bytes.
    const a = tree(h.vaults.Vault!);
    const b = tree(h.vaults.Offsite!);
    const objectsA = Object.keys(a).filter((k) => k.startsWith('objects/'));
    expect(objectsA.sort()).toEqual(
      Object.keys(b)
        .filter((k) => k.startsWith('objects/'))
        .sort(),
    );
    for (const k of objectsA) expect(a[k]!.equals(b[k]!)).toBe(false);
    // The plain vault is as it always was.
    const plainObjects = (await listFiles(h.vaults.Plain!)).filter((k) => k.startsWith('objects/'));
    expect(new Set(plainObjects.map((k) => k.split('/').at(-1)))).toEqual(hashes);
  });

  it('restores byte for byte from each encrypted destination', async () => {
    const engine = h.open();
    try {
      for (const from of ['Vault', 'Offsite']) {
        const target = join(h.root, `restored-${from}`);
        const r = await engine.restore({ wedding: SLUG, target, from });
        expect(r).toMatchObject({ from, restored: 6, failed: [], refused: [] });
        for (const [p, data] of Object.entries(files))
          expect(readFileSync(join(target, p)).equals(data), `${from}: ${p}`).toBe(true);
      }
    } finally {
      await engine.close();
    }
  });

  it('lists snapshots from the repository alone (no database), learning the wedding from its manifest', async () => {
    const { keyId } = await firstKey(h);
    const repo = new Repository(new LocalDestination('Vault', h.vaults.Vault!), randomUUID(), {
      encryption: { keyId, unlock: unlockFromCache(new FileKeyCache(h.home), keyId, 'Vault') },
    });
    await repo.open();
    const all = await repo.listSnapshots();
    expect(all.map((r) => r.wedding)).toEqual([SLUG]);
    expect(await repo.listSnapshots(SLUG)).toEqual(all);
    expect(await repo.listSnapshots('2026-06-15-other-wedding')).toEqual([]);
    const { manifest } = await repo.readManifest(all[0]!.key);
    expect(manifest.wedding).toEqual({ slug: SLUG, couple: 'Smith & Jones', date: '2026-06-14' });
    expect(manifest.files.map((f) => f.object)).toEqual(manifest.files.map((f) => repo.objectKey(f.sha256)));
  });

  it('verifies clean against the ciphertext digests recorded while sending', async () => {
    const engine = h.open();
    try {
      const result = await engine.verify();
      expect(result).toMatchObject({ checked: 18, ok: 18, missing: [], corrupt: [], tamperedManifests: [] });
      const rows = engine.store.db
        .prepare(`SELECT destination, count(*) AS n FROM replica_ciphertexts GROUP BY destination`)
        .all();
      expect(rows).toEqual([
        { destination: 'Offsite', n: 6 },
        { destination: 'Vault', n: 6 },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('refuses a tampered object: never restored, reported by verify, sent again from the original', async () => {
    const engine = h.open();
    try {
      const key = (await new FileKeyCache(h.home).get((await firstKey(h)).keyId))!;
      const repoKey = await RepositoryKey.from(key.identity);
      const hash = sha256(files['RAW/IMG_0001.CR3']!);
      const name = repoKey.objectName(hash);
      const path = join(h.vaults.Offsite!, 'objects', name.slice(0, 2), name);
      flipByte(path);
      const target = join(h.root, 'restored-tampered');
      // Only from Offsite: the damaged object must not be restored, and no temp file is left.
      const r = await engine.restore({
        wedding: SLUG,
        target,
        from: 'Offsite',
        include: ['RAW/IMG_0001.CR3'],
      });
      expect(r.restored).toBe(1); // read from the next destination (Vault) instead
      expect(readFileSync(join(target, 'RAW/IMG_0001.CR3')).equals(files['RAW/IMG_0001.CR3']!)).toBe(true);

      const { restore } = await import('../restore/restorer.js');
      const only = engine.repos.find((r) => r.name === 'Offsite')!;
      const alone = join(h.root, 'restored-tampered-alone');
      const r2 = await restore({
        repos: [only],
        wedding: SLUG,
        target: alone,
        include: ['RAW/IMG_0001.CR3'],
      });
      expect(r2.restored).toBe(0);
      expect(r2.failed[0]!.reason).toMatch(/Offsite: objects\/.*damaged or was altered/);
      expect(readdirSync(join(alone, 'RAW'))).toEqual([]);

      const v = await engine.verify();
      expect(v.corrupt).toEqual([{ destination: 'Offsite', hash }]);
      expect(v.requeued).toBe(1);
      // The copy was sent again (a new encryption) and verifies.
      const again = await engine.verify();
      expect(again).toMatchObject({ checked: 18, ok: 18, corrupt: [] });
      expect(readFileSync(path).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    } finally {
      await engine.close();
    }
  }, 60_000);

  it('passes over a tampered manifest, and refuses a manifest moved into another wedding folder', async () => {
    const engine = h.open();
    try {
      const snaps = await engine.repos.find((r) => r.name === 'Vault')!.listSnapshots(SLUG);
      const manifestPath = join(h.vaults.Vault!, snaps[0]!.key);
      const original = readFileSync(manifestPath);
      flipByte(manifestPath);
      await expect(engine.repos.find((r) => r.name === 'Vault')!.readManifest(snaps[0]!.key)).rejects.toThrow(
        ManifestError,
      );
      await expect(engine.repos.find((r) => r.name === 'Vault')!.readManifest(snaps[0]!.key)).rejects.toThrow(
        /cannot be decrypted: encrypted data is damaged or was altered/,
      );
      // Restore passes over the altered manifest, names it, and takes the files from another one.
      const fell = await engine.restore({ wedding: SLUG, target: join(h.root, 'm1'), from: 'Vault' });
      expect(fell.damaged).toEqual([expect.objectContaining({ destination: 'Vault', key: snaps[0]!.key })]);
      expect(fell.damaged[0]!.reason).toMatch(/damaged or was altered/);
      expect(fell.restored).toBe(6);
      const v = await engine.verify();
      expect(v.tamperedManifests).toEqual([{ destination: 'Vault', key: snaps[0]!.key }]);

      // A valid manifest of this wedding copied into the folder another wedding would have.
      writeFileSync(manifestPath, original);
      const repo = engine.repos.find((r) => r.name === 'Vault')!;
      const key = await RepositoryKey.from((await firstKey(h)).identity);
      const otherFolder = key.weddingFolder('2027-01-01-other-couple');
      mkdirSync(join(h.vaults.Vault!, 'snapshots', otherFolder));
      writeFileSync(join(h.vaults.Vault!, 'snapshots', otherFolder, `${snaps[0]!.id}.json.age`), original);
      await expect(
        repo.listSnapshots('2027-01-01-other-couple').then((r) => repo.readManifest(r[0]!.key)),
      ).rejects.toThrow(/in another wedding's folder/);
      rmSync(join(h.vaults.Vault!, 'snapshots', otherFolder), { recursive: true });
      // A manifest renamed to look newer than it is.
      const renamed = snaps[0]!.key.replace(/\d{4}-\d\d-\d\dT/, '2099-01-01T');
      writeFileSync(join(h.vaults.Vault!, renamed), original);
      await expect(repo.readManifest(renamed)).rejects.toThrow(/its name does not match its time/);
      rmSync(join(h.vaults.Vault!, renamed));
      expect(
        (await engine.restore({ wedding: SLUG, target: join(h.root, 'm2'), from: 'Vault' })).restored,
      ).toBe(6);
      // With every manifest of the wedding damaged, nothing is restored and the sentence says why.
      const all = (
        await Promise.all(
          engine.repos.map(async (r) =>
            (await r.listSnapshots(SLUG)).map((ref) => join(h.vaults[r.name]!, ref.key)),
          ),
        )
      ).flat();
      const kept = all.map((p) => readFileSync(p));
      for (const p of all) writeFileSync(p, readFileSync(p).subarray(0, 40));
      await expect(
        engine.restore({ wedding: SLUG, target: join(h.root, 'm3'), from: 'Vault' }),
      ).rejects.toThrow(/every manifest is damaged/);
      expect(existsSync(join(h.root, 'm3', 'RAW'))).toBe(false);
      all.forEach((p, i) => writeFileSync(p, kept[i]!));
    } finally {
      await engine.close();
    }
  });

  it('backs up with the cached key only, and says how to fix it when the key is gone', async () => {
    const dir = join(h.weddings, '2026-06-14 Smith & Jones');
    writeFileSync(join(dir, 'RAW/IMG_0003.CR3'), randomBytes(50_000));
    const saved = process.env.KEEPSAKE_PASSPHRASE;
    delete process.env.KEEPSAKE_PASSPHRASE;
    const engine = h.open();
    try {
      expect((await engine.backupOnce()).allProtected).toBe(true);
    } finally {
      await engine.close();
      if (saved !== undefined) process.env.KEEPSAKE_PASSPHRASE = saved;
    }
    const keys = new FileKeyCache(h.home);
    const keyId = (await firstKey(h)).keyId;
    const keyFile = join(keys.where, `${keyId}.key`);
    const kept = readFileSync(keyFile);
    rmSync(keyFile);
    writeFileSync(join(dir, 'RAW/IMG_0004.CR3'), randomBytes(50_000));
    const problems: string[] = [];
    const blind = h.open();
    try {
      blind.on('problem', (m) => problems.push(m));
      const report = await blind.backupOnce();
      expect(report.allProtected).toBe(false);
      const file = blind.store.files.byPath(join(dir, 'RAW/IMG_0004.CR3'))!;
      expect(blind.store.objects.storedAt(file.hash!)).toEqual(['Plain']);
      expect(problems.join('\n')).toContain(
        'Vault: the key of this encrypted destination is not on this computer',
      );
      expect(problems.join('\n')).toContain('keepsake key unlock --destination Vault');
    } finally {
      await blind.close();
    }
    writeFileSync(keyFile, kept, { mode: 0o600 });
    const healed = h.open();
    try {
      expect((await healed.backupOnce()).allProtected).toBe(true);
    } finally {
      await healed.close();
    }
  }, 60_000);

  it('keeps the objects already in the vault after the index is lost, verified by decrypting them', async () => {
    const before = tree(h.vaults.Vault!);
    for (const suffix of ['', '-wal', '-shm']) rmSync(databaseFile(h.home) + suffix, { force: true });
    const engine = h.open();
    try {
      expect((await engine.backupOnce()).allProtected).toBe(true);
      const after = tree(h.vaults.Vault!);
      for (const [k, v] of Object.entries(before))
        if (k.startsWith('objects/')) expect(after[k]!.equals(v), k).toBe(true);
      const n = engine.store.db
        .prepare(`SELECT count(*) AS n FROM replica_ciphertexts WHERE destination = 'Vault'`)
        .get() as { n: number };
      expect(n.n).toBe(8);
    } finally {
      await engine.close();
    }
  }, 60_000);

  it('writes nothing more to a vault whose marker was replaced by an unencrypted one, and reports it', async () => {
    const markerPath = join(h.vaults.Offsite!, 'keepsake-repo.json');
    const marker = readFileSync(markerPath);
    writeFileSync(
      markerPath,
      JSON.stringify({
        format: 'keepsake-repository',
        version: 1,
        id: 'x',
        createdAt: '',
        encryption: null,
        objects: '',
      }),
    );
    const before = Object.keys(tree(h.vaults.Offsite!)).sort();
    writeFileSync(join(h.weddings, '2026-06-14 Smith & Jones', 'RAW/IMG_0005.CR3'), randomBytes(40_000));
    const problems: string[] = [];
    const engine = h.open();
    try {
      engine.on('problem', (m) => problems.push(m));
      const report = await engine.backupOnce();
      expect(report.allProtected).toBe(false);
      expect(problems.join('\n')).toContain(
        'Offsite: the repository here is not encrypted, but this destination was set up encrypted: nothing is written to it',
      );
      expect(Object.keys(tree(h.vaults.Offsite!)).sort()).toEqual(before);
      const file = engine.store.files.byPath(
        join(h.weddings, '2026-06-14 Smith & Jones', 'RAW/IMG_0005.CR3'),
      )!;
      expect(engine.store.objects.storedAt(file.hash!).sort()).toEqual(['Plain', 'Vault']);
    } finally {
      await engine.close();
      writeFileSync(markerPath, marker);
    }
  }, 60_000);
});

async function firstKey(h: EncryptedHome): Promise<{ keyId: string; identity: string }> {
  const config = JSON.parse(readFileSync(join(h.home, 'config.json'), 'utf8')) as {
    destinations: { encryption?: { keyId: string } }[];
  };
  const keyId = config.destinations.find((d) => d.encryption)!.encryption!.keyId;
  const key = await new FileKeyCache(h.home).get(keyId);
  return { keyId, identity: key!.identity };
}
