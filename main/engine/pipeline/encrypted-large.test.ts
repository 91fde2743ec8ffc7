import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptedSize } from '../crypto/index.js';
import { generatedStream } from '../crypto/testing/generated.js';
import { listFiles } from '../testing/inspect.js';
import { makeEncryptedHome, type EncryptedHome } from './testing/encrypted-home.js';

const SIZE = 2 * 1024 ** 3 + 12345; // 2 GiB and a partial last chunk
const MB = 1024 * 1024;

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: MB })) h.update(c as Buffer);
  return h.digest('hex');
}

/** Samples the process's RSS while `task` runs; returns the peak growth over the RSS before it, in MB. */
async function rssGrowth(task: () => Promise<void>): Promise<number> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 25);
  try {
    await task();
  } finally {
    clearInterval(sampler);
  }
  return (Math.max(peak, process.memoryUsage.rss()) - baseline) / MB;
}

// One 2 GiB video through the engine to an encrypted local vault and back: streamed, never held.
describe('a 2 GiB file through an encrypted repository', { timeout: 1_200_000 }, () => {
  let h: EncryptedHome;
  let source: string;
  let sourceSha = '';

  beforeAll(async () => {
    h = await makeEncryptedHome({ encrypted: ['Vault'] });
    const dir = await h.wedding('2026-06-14 Smith & Jones');
    source = join(dir, 'Ceremony.MP4');
    await pipeline(generatedStream(SIZE), createWriteStream(source));
    sourceSha = await sha256File(source);
  });
  afterAll(() => h.remove());

  it('backs up with RSS growing by less than 150 MB, stores exactly encryptedSize bytes, and restores it', async () => {
    const engine = h.open();
    try {
      const backupGrowth = await rssGrowth(async () => {
        expect((await engine.backupOnce()).allProtected).toBe(true);
      });
      const objects = (await listFiles(h.vaults.Vault!)).filter((k) => k.startsWith('objects/'));
      expect(objects).toHaveLength(1);
      expect(statSync(join(h.vaults.Vault!, objects[0]!)).size).toBe(encryptedSize(SIZE));

      const target = join(h.root, 'restored');
      const restoreGrowth = await rssGrowth(async () => {
        const r = await engine.restore({ wedding: '2026-06-14-smith-jones', target });
        expect(r).toMatchObject({ restored: 1, failed: [] });
      });
      console.log(
        `2 GiB encrypted: backup RSS +${backupGrowth.toFixed(0)} MB, restore RSS +${restoreGrowth.toFixed(0)} MB`,
      );
      expect(statSync(join(target, 'Ceremony.MP4')).size).toBe(SIZE);
      expect(await sha256File(join(target, 'Ceremony.MP4'))).toBe(sourceSha);
      expect(backupGrowth).toBeLessThan(150);
      expect(restoreGrowth).toBeLessThan(150);
    } finally {
      await engine.close();
    }
  });
});
