import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashTree } from '../main/engine/testing/inspect.js';
import { generateSmallFiles, treeSize } from './corpus.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'keepsake-bench-corpus-'));
  dirs.push(d);
  return d;
}

describe('generateSmallFiles', () => {
  it('writes unique 1-4 KB XMP sidecars with capture times, the same in batches as in one go', async () => {
    const whole = await tempDir();
    const batched = await tempDir();
    const one = await generateSmallFiles(whole, { to: 120, folders: 40 });
    const first = await generateSmallFiles(batched, { from: 0, to: 50, folders: 40 });
    const rest = await generateSmallFiles(batched, { from: 50, to: 120, folders: 40 });

    expect(one.files).toBe(120);
    expect(first.files + rest.files).toBe(120);
    expect(first.bytes + rest.bytes).toBe(one.bytes);
    expect(treeSize(whole)).toEqual({ files: 120, bytes: one.bytes });
    const hashes = await hashTree(whole);
    expect(await hashTree(batched)).toEqual(hashes);
    expect(new Set(Object.values(hashes)).size).toBe(120);
    expect(one.bytes / one.files).toBeGreaterThanOrEqual(1024);
    expect(one.bytes / one.files).toBeLessThan(4096);
    const sample = readFileSync(join(whole, '2025-07-01 Couple 1', 'Card 02', 'DSC_000001.xmp'), 'utf8');
    expect(sample).toContain('exif:DateTimeOriginal="2025-07-01T12:01:00"');
    expect(sample).toContain('crs:RawFileName="DSC_000001.NEF"');
  });
});
