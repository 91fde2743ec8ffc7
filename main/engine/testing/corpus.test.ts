import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cameraFixtureNames,
  cameraFixturesDir,
  generateWedding,
  smallWedding,
  xmpSidecar,
} from './corpus.js';
import { hashTree, sha256 } from './inspect.js';

const MiB = 1024 * 1024;

describe('generateWedding', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'keepsake-corpus-'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('writes a card laid out like a real one, with sizes in range, and returns what it wrote', async () => {
    const dir = join(base, 'default');
    const files = await generateWedding(dir);
    const fixtures = cameraFixtureNames();
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    const raws = files.filter((f) => /^RAW\/IMG_\d{4}\.CR3$/.test(f.relPath));
    const xmps = files.filter((f) => /^RAW\/IMG_\d{4}\.xmp$/.test(f.relPath));
    const jpegs = files.filter((f) => /^JPEG\/IMG_\d{4}\.JPG$/.test(f.relPath));
    expect(raws.map((f) => f.relPath)).toEqual(['RAW/IMG_0001.CR3', 'RAW/IMG_0002.CR3', 'RAW/IMG_0003.CR3']);
    expect(xmps).toHaveLength(smallWedding.rawCount);
    expect(jpegs).toHaveLength(smallWedding.jpegCount);
    expect(files.filter((f) => f.relPath === 'VIDEO/MVI_0001.MP4').map((f) => f.size)).toEqual([2 * MiB]);
    expect(files.filter((f) => f.relPath.startsWith('CAMERA/')).map((f) => f.relPath.slice(7))).toEqual(
      fixtures,
    );
    expect(files).toHaveLength(3 + 3 + 3 + 1 + fixtures.length);
    for (const f of raws) {
      expect(f.size).toBeGreaterThanOrEqual(MiB);
      expect(f.size).toBeLessThanOrEqual(3 * MiB);
    }
    for (const f of jpegs) {
      expect(f.size).toBeGreaterThanOrEqual(256 * 1024);
      expect(f.size).toBeLessThanOrEqual(MiB);
    }
    expect(new Set(raws.map((f) => f.size)).size).toBeGreaterThan(1);
    // What it returns is what is on disk, and nothing else is.
    for (const f of files) expect((await stat(f.path)).size).toBe(f.size);
    expect(Object.keys(await hashTree(dir))).toEqual(files.map((f) => f.relPath));
    // Sidecars are XMP text naming their RAW; fixtures are byte-identical copies.
    expect(readFileSync(xmps[0]!.path, 'utf8')).toContain('crs:RawFileName="IMG_0001.CR3"');
    const cr3 = files.find((f) => f.relPath === 'CAMERA/CanonRaw.cr3')!;
    expect(sha256(readFileSync(cr3.path))).toBe(
      sha256(readFileSync(join(cameraFixturesDir, 'CanonRaw.cr3'))),
    );
    // Card-like modification times, a few seconds apart from the wedding day on.
    expect((await stat(raws[0]!.path)).mtimeMs).toBe(smallWedding.shotAtMs);
  });

  it('is deterministic per seed, different across seeds and files, and incompressible', async () => {
    const opts = { rawCount: 2, jpegCount: 1, videoSize: 0, cameraFixtures: false };
    await generateWedding(join(base, 'a'), { ...opts, seed: 7 });
    const a = await hashTree(join(base, 'a'));
    await generateWedding(join(base, 'b'), { ...opts, seed: 7 });
    await generateWedding(join(base, 'c'), { ...opts, seed: 8 });
    expect(await hashTree(join(base, 'b'))).toEqual(a);
    const c = await hashTree(join(base, 'c'));
    expect(c['RAW/IMG_0001.CR3']).not.toBe(a['RAW/IMG_0001.CR3']);
    expect(new Set(Object.values(a)).size).toBe(Object.keys(a).length);
    const sample = readFileSync(join(base, 'a', 'RAW', 'IMG_0001.CR3')).subarray(0, MiB);
    expect(deflateRawSync(sample).length).toBeGreaterThan(sample.length * 0.99);
  });

  it('fills 128 MiB quickly (the benchmark asks for gigabytes in well under a minute)', async () => {
    const started = performance.now();
    const files = await generateWedding(join(base, 'big'), {
      rawCount: 2,
      jpegCount: 0,
      rawSize: [32 * MiB, 32 * MiB],
      videoSize: 64 * MiB,
      xmp: false,
      cameraFixtures: false,
    });
    const seconds = (performance.now() - started) / 1000;
    expect(files.reduce((n, f) => n + f.size, 0)).toBe(128 * MiB);
    // 2 GB in under a minute is 34 MB/s; ask for that even on a loaded machine.
    expect(128 / seconds).toBeGreaterThan(34);
    await rm(join(base, 'big'), { recursive: true });
  });

  it('fails clearly, before writing anything, when the camera fixtures are missing', async () => {
    const dir = join(base, 'no-fixtures');
    await expect(generateWedding(dir, { cameraDir: join(base, 'nowhere') })).rejects.toThrow(
      /camera fixtures are missing: expected them in .*nowhere.*cameraFixtures: false/s,
    );
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('xmpSidecar', () => {
  it('pads to the size asked with data unique to the RAW, and carries the capture time', () => {
    const a = xmpSidecar('DSC_000001.NEF', { rating: 3, captureTime: '2025-07-01T12:01:00', size: 2000 });
    const b = xmpSidecar('DSC_000002.NEF', { rating: 3, captureTime: '2025-07-01T12:01:00', size: 2000 });
    expect(Buffer.byteLength(a)).toBe(2000);
    expect(Buffer.byteLength(b)).toBe(2000);
    expect(a).toContain('exif:DateTimeOriginal="2025-07-01T12:01:00"');
    expect(a).toMatch(/crs:History="[0-9a-f]{1000,}"\/>/);
    expect(a).not.toBe(b.replace('DSC_000002', 'DSC_000001'));
    expect(xmpSidecar('DSC_000001.NEF', { rating: 3, captureTime: '2025-07-01T12:01:00', size: 2000 })).toBe(
      a,
    );
    const plain = xmpSidecar('IMG_0001.CR3', { rating: 0 });
    expect(plain).not.toMatch(/exif:|crs:History/);
    expect(plain).toMatch(/crs:WhiteBalance="As Shot"\/>\n <\/rdf:RDF>/);
  });
});
