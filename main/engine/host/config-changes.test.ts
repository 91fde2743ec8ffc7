import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { newConfig } from '../config/config-file.js';
import { CREDENTIALS_FILE, type Secret } from '../config/credentials.js';
import { FileKeyCache } from '../config/key-cache.js';
import { s3Harness } from '../destinations/testing/s3-harness.js';
import { addDestinationChange, credentialVaultOf, removeDestinationChange } from './config-changes.js';

/** The shell's keychain as the engine sees it: written to asynchronously, never a file in the home. */
class MemoryVault {
  readonly secrets = new Map<string, Secret>();
  get(name: string) {
    return this.secrets.get(name);
  }
  set(name: string, secret: Secret) {
    this.secrets.set(name, secret);
    return Promise.resolve();
  }
  delete(name: string) {
    this.secrets.delete(name);
    return Promise.resolve();
  }
}

describe('a destination added from the window under the desktop shell', () => {
  const s3 = s3Harness();
  const home = mkdtempSync(join(tmpdir(), 'keepsake-config-changes-'));
  beforeAll(async () => s3.setup!());
  afterAll(async () => {
    await s3.teardown?.();
    rmSync(home, { recursive: true, force: true });
  });

  it('keeps its keys in the keychain vault, never in credentials.json, and forgets them on removal', async () => {
    const vault = new MemoryVault();
    expect(credentialVaultOf(vault)).toBe(vault);
    expect(credentialVaultOf({ get: () => undefined })).toBeUndefined();
    const secret: Secret = { kind: 's3', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const change = addDestinationChange(
      {
        config: {
          name: 'Cloud',
          kind: 's3',
          bucket: await s3.createBucket(),
          region: 'us-east-1',
          endpoint: s3.endpoint,
          credentials: 'environment',
          enabled: true,
        },
        secret,
        encrypt: false,
      },
      { home, clock: systemClock, keys: new FileKeyCache(home), vault },
    );
    const applied = await change(newConfig());
    expect(applied.result.added).toMatchObject({ name: 'Cloud', credentials: 'stored' });
    expect(vault.get('Cloud')).toEqual(secret);
    expect(existsSync(join(home, CREDENTIALS_FILE))).toBe(false);
    await applied.rollback?.();
    expect(vault.get('Cloud')).toBeUndefined();

    await vault.set('Cloud', secret);
    await removeDestinationChange(home, 'Cloud', vault)(applied.config).commit?.();
    expect(vault.get('Cloud')).toBeUndefined();
    expect(existsSync(join(home, CREDENTIALS_FILE))).toBe(false);
  });
});
