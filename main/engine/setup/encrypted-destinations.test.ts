import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { ConfigError, newConfig } from '../config/config-file.js';
import { FileKeyCache } from '../config/key-cache.js';
import type { Config } from '../config/schema.js';
import { unlockWithPassphrase, unlockWithRecovery, WrongPassphraseError } from '../crypto/index.js';
import { PASSPHRASE, testEncryption } from '../pipeline/testing/encrypted-home.js';
import {
  addDestination,
  changeDestinationPassphrase,
  exportDestinationRecovery,
  openRepositoryAt,
  unlockDestination,
  type KeyContext,
} from './destinations.js';
import { LocalDestination } from '../destinations/local/local.js';

const NEW_PASSPHRASE = 'a different passphrase, long enough';

/** A passphrase source that must not be asked. */
const neverAsked = () => Promise.reject(new Error('the passphrase was asked for'));

describe('encrypted destinations: setup and keys', () => {
  let base: string;
  let home: string;
  let keys: FileKeyCache;
  let config: Config;
  const vault = (n: string) => join(base, n);
  const ctx = (): KeyContext => ({ config, keys, secretOf: () => undefined, scryptWorkFactor: 10 });

  beforeEach(async () => {
    base = mkdtempSync(join(tmpdir(), 'keepsake-keys-'));
    home = join(base, 'home');
    keys = new FileKeyCache(home);
    config = await addDestination(
      newConfig(),
      { name: 'A', kind: 'local', path: vault('A'), enabled: true },
      systemClock,
      undefined,
      testEncryption(home),
    );
    config = await addDestination(
      config,
      { name: 'B', kind: 'local', path: vault('B'), enabled: true },
      systemClock,
      undefined,
      { ...testEncryption(home), passphrase: neverAsked },
    );
  });

  const keyId = () => config.destinations[0]!.encryption!.keyId;

  it('the second encrypted destination reuses the key without asking, with the same key files', () => {
    expect(config.destinations[1]!.encryption).toEqual({ keyId: keyId() });
    expect(readFileSync(join(vault('B'), 'keys/passphrase.age'))).toEqual(
      readFileSync(join(vault('A'), 'keys/passphrase.age')),
    );
    expect(existsSync(join(vault('A'), 'keys/recovery.age'))).toBe(false);
  });

  it('a new passphrase that is too short is refused before anything is written', async () => {
    const other = mkdtempSync(join(tmpdir(), 'keepsake-keys-short-'));
    await expect(
      addDestination(
        newConfig(),
        { name: 'C', kind: 'local', path: join(other, 'C'), enabled: true },
        systemClock,
        undefined,
        { ...testEncryption(join(other, 'home')), passphrase: () => Promise.resolve('short') },
      ),
    ).rejects.toThrow(/at least 12 characters/);
    expect(readdirSync(join(other, 'C'))).toEqual([]);
    expect(existsSync(join(other, 'home', 'keys'))).toBe(false);
  });

  it('adding an existing encrypted repository on another computer needs its passphrase; a wrong one changes nothing', async () => {
    const otherHome = join(base, 'other-home');
    const otherKeys = new FileKeyCache(otherHome);
    const add = (passphrase: string) =>
      addDestination(
        newConfig(),
        { name: 'A', kind: 'local', path: vault('A'), enabled: true },
        systemClock,
        undefined,
        { keys: otherKeys, passphrase: () => Promise.resolve(passphrase) },
      );
    const before = readdirSync(vault('A'), { recursive: true }).sort();
    await expect(add('not the passphrase at all')).rejects.toBeInstanceOf(WrongPassphraseError);
    await expect(add('not the passphrase at all')).rejects.toThrow(/wrong passphrase.*nothing was changed/);
    expect(existsSync(otherKeys.where)).toBe(false);
    expect(readdirSync(vault('A'), { recursive: true }).sort()).toEqual(before);
    const added = await add(PASSPHRASE);
    expect(added.destinations[0]!.encryption).toEqual({ keyId: keyId() });
    expect((await otherKeys.get(keyId()))!.identity).toBe((await keys.get(keyId()))!.identity);
  });

  it('never mixes plain and encrypted: each refuses the other kind of repository', async () => {
    const plain = await addDestination(
      config,
      { name: 'P', kind: 'local', path: vault('P'), enabled: true },
      systemClock,
    );
    expect(plain.destinations[2]!.encryption).toBeUndefined();
    await expect(
      addDestination(
        newConfig(),
        { name: 'P', kind: 'local', path: vault('P'), enabled: true },
        systemClock,
        undefined,
        testEncryption(home),
      ),
    ).rejects.toThrow(ConfigError);
    await expect(
      addDestination(newConfig(), { name: 'A', kind: 'local', path: vault('A'), enabled: true }, systemClock),
    ).rejects.toThrow(/the repository here is encrypted.*--encrypt/);
  });

  it('change-passphrase: a wrong old passphrase changes nothing; the right one re-wraps the key on every destination using it', async () => {
    const files = () => ['A', 'B'].map((n) => readFileSync(join(vault(n), 'keys/passphrase.age')));
    const cached = () => readFileSync(join(keys.where, `${keyId()}.passphrase.age`));
    const before = files();
    const cachedBefore = cached();
    const wrong = changeDestinationPassphrase(ctx(), 'A', 'not the passphrase at all', NEW_PASSPHRASE);
    await expect(wrong).rejects.toBeInstanceOf(WrongPassphraseError);
    expect(files()).toEqual(before);
    expect(cached()).toEqual(cachedBefore);
    await expect(changeDestinationPassphrase(ctx(), 'A', PASSPHRASE, 'short')).rejects.toThrow(/at least 12/);
    expect(files()).toEqual(before);

    const r = await changeDestinationPassphrase(ctx(), 'A', PASSPHRASE, NEW_PASSPHRASE);
    expect(r).toEqual({ updated: ['A', 'B'], failed: [] });
    const identity = (await keys.get(keyId()))!.identity;
    for (const file of [...files(), cached()]) {
      expect(await unlockWithPassphrase(file, NEW_PASSPHRASE)).toBe(identity);
      await expect(unlockWithPassphrase(file, PASSPHRASE)).rejects.toBeInstanceOf(WrongPassphraseError);
    }
  });

  it('change-passphrase reports a sharing destination it could not reach, after changing the named one', async () => {
    config = {
      ...config,
      destinations: [
        ...config.destinations,
        {
          name: 'Gone',
          kind: 'local',
          path: join(base, 'unplugged'),
          enabled: true,
          encryption: { keyId: keyId() },
        },
      ],
    };
    const r = await changeDestinationPassphrase(ctx(), 'B', PASSPHRASE, NEW_PASSPHRASE);
    expect(r.updated).toEqual(['B', 'A']);
    expect(r.failed).toEqual([
      { destination: 'Gone', reason: expect.stringMatching(/not found: is the drive plugged in/) },
    ]);
  });

  it('export-recovery: needs the passphrase, then writes keys/recovery.age everywhere and lists it in the marker', async () => {
    await expect(exportDestinationRecovery(ctx(), 'A', 'not the passphrase at all')).rejects.toBeInstanceOf(
      WrongPassphraseError,
    );
    expect(existsSync(join(vault('A'), 'keys/recovery.age'))).toBe(false);
    const first = await exportDestinationRecovery(ctx(), 'A', PASSPHRASE);
    expect(first.updated).toEqual(['A', 'B']);
    const identity = (await keys.get(keyId()))!.identity;
    for (const n of ['A', 'B']) {
      const file = readFileSync(join(vault(n), 'keys/recovery.age'));
      expect(await unlockWithRecovery(file, first.recoveryKey)).toBe(identity);
      const marker = JSON.parse(readFileSync(join(vault(n), 'keepsake-repo.json'), 'utf8')) as {
        encryption: { keyFiles: string[] };
      };
      expect(marker.encryption.keyFiles).toEqual(['keys/passphrase.age', 'keys/recovery.age']);
    }
    // A new recovery key replaces the old one.
    const second = await exportDestinationRecovery(ctx(), 'B', PASSPHRASE);
    const file = readFileSync(join(vault('A'), 'keys/recovery.age'));
    expect(await unlockWithRecovery(file, second.recoveryKey)).toBe(identity);
    await expect(unlockWithRecovery(file, first.recoveryKey)).rejects.toThrow();
    // Later destinations get the current key files from the cache.
    config = await addDestination(
      config,
      { name: 'C', kind: 'local', path: vault('C'), enabled: true },
      systemClock,
      undefined,
      { ...testEncryption(home), passphrase: neverAsked },
    );
    expect(
      await unlockWithRecovery(readFileSync(join(vault('C'), 'keys/recovery.age')), second.recoveryKey),
    ).toBe(identity);
  });

  it('unlock puts a lost key back with the passphrase, and only with it', async () => {
    await keys.delete(keyId());
    expect(await keys.get(keyId())).toBeUndefined();
    await expect(unlockDestination(ctx(), 'A', 'not the passphrase at all')).rejects.toBeInstanceOf(
      WrongPassphraseError,
    );
    expect(await keys.get(keyId())).toBeUndefined();
    expect(await unlockDestination(ctx(), 'A', PASSPHRASE)).toBe(keyId());
    expect(await keys.get(keyId())).toMatchObject({ keyId: keyId() });
    await expect(unlockDestination(ctx(), 'nope', PASSPHRASE)).rejects.toThrow(/No destination named "nope"/);
  });

  it('a key file readable by other users is refused until its permissions are fixed', async () => {
    const file = join(keys.where, `${keyId()}.key`);
    chmodSync(file, 0o644);
    await expect(keys.get(keyId())).rejects.toThrow(/readable by other users.*chmod 600/);
    chmodSync(file, 0o600);
    expect(await keys.get(keyId())).toBeDefined();
    writeFileSync(file, '# not a key\n', { mode: 0o600 });
    await expect(keys.get(keyId())).rejects.toThrow(/not a Keepsake key file/);
  });

  it('opens a vault without any config: plain as is, encrypted with its passphrase (a wrong one is refused)', async () => {
    const plainConfig = await addDestination(
      newConfig(),
      { name: 'P', kind: 'local', path: vault('P'), enabled: true },
      systemClock,
    );
    expect(plainConfig.destinations).toHaveLength(1);
    const plain = await openRepositoryAt(new LocalDestination('vault', vault('P')), 'x-install', neverAsked);
    expect(plain.encrypted).toBe(false);
    const dest = new LocalDestination('vault', vault('A'));
    await expect(
      openRepositoryAt(dest, 'x-install', () => Promise.resolve('not the passphrase at all')),
    ).rejects.toBeInstanceOf(WrongPassphraseError);
    const repo = await openRepositoryAt(dest, 'x-install', () => Promise.resolve(PASSPHRASE));
    expect(repo.encrypted).toBe(true);
    expect(await repo.listSnapshots()).toEqual([]);
  });
});
