import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, mkdir, open, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is main/engine/testing/corpus.ts). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The real camera sample files (see their README.md): `../shared/fixtures/camera` from the repo root. */
export const cameraFixturesDir = join(repoRoot, '..', 'shared', 'fixtures', 'camera');

const MiB = 1024 * 1024;

/** What a generated wedding looks like; every size is in bytes, ranges are inclusive. */
export interface WeddingOptions {
  /** RAW photos `RAW/IMG_0001.CR3`... (default 3). */
  rawCount?: number;
  /** JPEG photos `JPEG/IMG_0001.JPG`... (default 3). */
  jpegCount?: number;
  /** Size range of each RAW (default 1-3 MiB; a real card: 25-60 MB). */
  rawSize?: [number, number];
  /** Size range of each JPEG (default 256 KiB-1 MiB; a real card: 5-15 MB). */
  jpegSize?: [number, number];
  /** Size of the one video `VIDEO/MVI_0001.MP4`; 0 for none (default 2 MiB). */
  videoSize?: number;
  /** A small XMP sidecar `RAW/IMG_0001.xmp` beside each RAW (default true). */
  xmp?: boolean;
  /** Copies of the real camera files into `CAMERA/` (default true). Identical in every wedding. */
  cameraFixtures?: boolean;
  /** Same seed, same bytes; another seed, other bytes (default 1). */
  seed?: number;
  /** Modification time of the first file (ms since the epoch); later files a few seconds later (default 2026-06-14 14:00 UTC). */
  shotAtMs?: number;
  /** Where the camera files are (default `cameraFixturesDir`). */
  cameraDir?: string;
}

/** One generated file. */
export interface CorpusFile {
  /** Absolute path. */
  path: string;
  /** Path inside the wedding folder, `/`-separated. */
  relPath: string;
  size: number;
}

/** The defaults: small, so integration tests stay fast. The benchmark passes real-card sizes. */
export const smallWedding: Required<WeddingOptions> = {
  rawCount: 3,
  jpegCount: 3,
  rawSize: [1 * MiB, 3 * MiB],
  jpegSize: [256 * 1024, 1 * MiB],
  videoSize: 2 * MiB,
  xmp: true,
  cameraFixtures: true,
  seed: 1,
  shotAtMs: Date.parse('2026-06-14T14:00:00Z'),
  cameraDir: cameraFixturesDir,
};

/** Sizes of a real card, for the benchmark: 25-60 MB RAWs, 5-15 MB JPEGs, a 400 MB video. */
export const realCardSizes: Pick<WeddingOptions, 'rawSize' | 'jpegSize' | 'videoSize'> = {
  rawSize: [25_000_000, 60_000_000],
  jpegSize: [5_000_000, 15_000_000],
  videoSize: 400_000_000,
};

/**
 * Writes a realistic wedding card into `dir` (created if needed): RAW photos with XMP sidecars,
 * JPEGs, a video and copies of real camera files. The photo and video bytes are incompressible and
 * deterministic (an AES-256-CTR keystream keyed by the seed and the file's name, so each file differs
 * and generation runs at disk speed: gigabytes in seconds). Returns the files written, in path order.
 */
export async function generateWedding(dir: string, options: WeddingOptions = {}): Promise<CorpusFile[]> {
  const o = { ...smallWedding, ...options };
  checkRange('rawSize', o.rawSize);
  checkRange('jpegSize', o.jpegSize);
  // Checked first, so a missing fixtures folder fails before anything is written.
  const cameraNames = o.cameraFixtures ? cameraFixtureNames(o.cameraDir) : [];
  const pick = seededRandom(o.seed);
  const sizeIn = ([min, max]: [number, number]) => min + Math.floor(pick() * (max - min + 1));
  const plan: { relPath: string; size: number; kind: 'random' | 'xmp' }[] = [];
  const num = (i: number) => String(i + 1).padStart(4, '0');
  for (let i = 0; i < o.rawCount; i++) {
    plan.push({ relPath: `RAW/IMG_${num(i)}.CR3`, size: sizeIn(o.rawSize), kind: 'random' });
    if (o.xmp) plan.push({ relPath: `RAW/IMG_${num(i)}.xmp`, size: 0, kind: 'xmp' });
  }
  for (let i = 0; i < o.jpegCount; i++) {
    plan.push({ relPath: `JPEG/IMG_${num(i)}.JPG`, size: sizeIn(o.jpegSize), kind: 'random' });
  }
  if (o.videoSize > 0) plan.push({ relPath: 'VIDEO/MVI_0001.MP4', size: o.videoSize, kind: 'random' });

  const files: CorpusFile[] = [];
  const buffer = Buffer.alloc(MiB);
  let at = o.shotAtMs;
  for (const p of plan) {
    const path = join(dir, ...p.relPath.split('/'));
    await mkdir(dirname(path), { recursive: true });
    let size = p.size;
    if (p.kind === 'xmp') {
      const rawName = p.relPath
        .split('/')
        .pop()!
        .replace(/\.xmp$/, '.CR3');
      const body = Buffer.from(xmpSidecar(rawName, { rating: Math.floor(pick() * 6) }));
      await writeFile(path, body);
      size = body.length;
    } else {
      await writeRandom(path, p.size, `${o.seed}\0${p.relPath}`, buffer);
    }
    await utimes(path, at / 1000, at / 1000);
    at += 3000;
    files.push({ path, relPath: p.relPath, size });
  }
  for (const name of cameraNames) {
    const path = join(dir, 'CAMERA', name);
    await mkdir(dirname(path), { recursive: true });
    await copyFile(join(o.cameraDir, name), path);
    // The fixtures are read-only in the shared folder; the copies must be editable like any card file.
    await chmod(path, 0o644);
    files.push({ path, relPath: `CAMERA/${name}`, size: (await stat(path)).size });
  }
  return files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

/** Names of the real camera sample files (every file but the README); fails clearly when they are missing. */
export function cameraFixtureNames(dir = cameraFixturesDir): string[] {
  if (!existsSync(dir)) {
    throw new Error(
      `The camera fixtures are missing: expected them in ${dir} (../shared/fixtures/camera ` +
        `from the repository root). Pass cameraFixtures: false to generate a wedding without them.`,
    );
  }
  const names = readdirSync(dir).filter((n) => n !== 'README.md');
  if (names.length === 0) throw new Error(`No camera fixtures in ${dir}.`);
  return names.sort();
}

/** Writes `size` deterministic incompressible bytes: the AES-256-CTR keystream of a key derived from `label`. */
export async function writeRandom(path: string, size: number, label: string, buffer = Buffer.alloc(MiB)) {
  const key = createHash('sha256').update(label).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(buffer.length);
  const handle = await open(path, 'w');
  try {
    let left = size;
    while (left > 0) {
      const n = Math.min(left, zeros.length);
      const chunk = cipher.update(n === zeros.length ? zeros : zeros.subarray(0, n));
      let off = 0;
      while (off < chunk.length) off += (await handle.write(chunk, off, chunk.length - off)).bytesWritten;
      left -= n;
    }
  } finally {
    await handle.close();
  }
}

/** Deterministic incompressible bytes in memory (small files in tests). */
export function randomBytesFor(label: string, size: number): Buffer {
  const key = createHash('sha256').update(label).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

function checkRange(name: string, [min, max]: [number, number]): void {
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && max >= min)) {
    throw new Error(`generateWedding: ${name} must be [min, max] with 0 <= min <= max, got [${min}, ${max}]`);
  }
}

/** mulberry32: a small seeded PRNG for sizes and ratings (not for bytes); numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What an XMP sidecar says besides the name of its RAW. */
export interface SidecarOptions {
  /** Star rating, 0 to 5. */
  rating: number;
  /** `exif:DateTimeOriginal`, e.g. `2025-07-01T12:00:00`; omitted: none. */
  captureTime?: string;
  /** Padded to this many bytes with an edit history unique to the RAW's name and capture time. */
  size?: number;
}

/** The text of a Lightroom-style XMP sidecar for the RAW named `rawName` (e.g. `IMG_0001.CR3`). */
export function xmpSidecar(rawName: string, o: SidecarOptions): string {
  const exif =
    o.captureTime === undefined
      ? ''
      : `
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    exif:DateTimeOriginal="${o.captureTime}"`;
  const head = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"${exif}
    xmp:Rating="${o.rating}"
    xmp:CreatorTool="Adobe Lightroom Classic 13.0"
    crs:RawFileName="${rawName}"
    crs:Exposure2012="+0.35"
    crs:WhiteBalance="As Shot"`;
  const tail = `/>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
`;
  if (o.size === undefined) return head + tail;
  const history = (filler: string) => `
    crs:History="${filler}"`;
  const pad = Math.max(0, o.size - Buffer.byteLength(head + history('') + tail));
  const filler = randomBytesFor(`xmp:${rawName}:${o.captureTime ?? ''}`, Math.ceil(pad / 2))
    .toString('hex')
    .slice(0, pad);
  return head + history(filler) + tail;
}
