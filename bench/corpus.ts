/**
 * The benchmark's corpora: one wedding of real-card sizes, written by the engine's shared generator
 * (main/engine/testing/corpus.ts: incompressible RAW 25-60 MB and JPEG 5-15 MB, XMP sidecars, one
 * video, real camera samples), and a tree of many small unique XMP sidecars for the rescan test.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What a generator wrote. */
export interface CorpusSummary {
  root: string;
  files: number;
  bytes: number;
  byKind: Record<string, { files: number; bytes: number }>;
  generator: string;
}

/** The part of main/engine/testing/corpus.ts the benchmark uses. */
interface SharedCorpusModule {
  generateWedding(
    dir: string,
    options: {
      rawCount?: number;
      jpegCount?: number;
      rawSize?: [number, number];
      jpegSize?: [number, number];
      videoSize?: number;
      xmp?: boolean;
      cameraFixtures?: boolean;
      seed?: number;
    },
  ): Promise<{ path: string; relPath: string; size: number }[]>;
  cameraFixturesDir: string;
}

const SHARED_GENERATOR = 'main/engine/testing/corpus.ts';
const MB = 1_000_000;

/**
 * Writes one wedding of about `bytes` as `<weddingsRoot>/2026-06-14 Anna & Ben/`: RAW+JPEG pairs of
 * real-card sizes (RAW 25-60 MB with an XMP sidecar, JPEG 5-15 MB) and one video of 400 MB (at most a
 * fifth of the total), plus the real camera samples when they are present. The shared generator is
 * loaded at run time (tsx), so the build of bench/ does not pull test helpers into dist/.
 */
export async function generateWeddingCorpus(
  repoRoot: string,
  weddingsRoot: string,
  bytes: number,
): Promise<CorpusSummary> {
  const file = join(repoRoot, SHARED_GENERATOR);
  if (!existsSync(file)) throw new Error(`The corpus generator ${SHARED_GENERATOR} is missing.`);
  const shared = (await import(pathToFileURL(file).href)) as SharedCorpusModule;
  const videoSize = Math.min(400 * MB, Math.floor(bytes / 5));
  const pair = (25 * MB + 60 * MB) / 2 + (5 * MB + 15 * MB) / 2;
  const pairs = Math.max(1, Math.round((bytes - videoSize) / pair));
  const files = await shared.generateWedding(join(weddingsRoot, '2026-06-14 Anna & Ben'), {
    rawCount: pairs,
    jpegCount: pairs,
    rawSize: [25 * MB, 60 * MB],
    jpegSize: [5 * MB, 15 * MB],
    videoSize,
    xmp: true,
    cameraFixtures: existsSync(shared.cameraFixturesDir),
    seed: 20260614,
  });
  const summary: CorpusSummary = {
    root: weddingsRoot,
    files: 0,
    bytes: 0,
    byKind: {},
    generator: SHARED_GENERATOR,
  };
  for (const f of files) {
    const top = f.relPath.split('/')[0] ?? '';
    const kind = f.relPath.endsWith('.xmp')
      ? 'xmp'
      : (({ RAW: 'raw', JPEG: 'jpeg', VIDEO: 'video', CAMERA: 'camera sample' } as Record<string, string>)[
          top
        ] ?? 'other');
    add(summary, kind, f.size);
  }
  return summary;
}

/** Small seeded PRNG (mulberry32): the same seed gives the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (rnd: () => number, lo: number, hi: number) => Math.floor(lo + rnd() * (hi - lo));

/** An AES-CTR keystream keyed by the file's name: fast, incompressible and unique per file. */
function keystream(name: string) {
  const key = createHash('sha256').update(`keepsake-bench:${name}`).digest();
  return createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
}

/** A Lightroom-style XMP sidecar with a capture time, padded to `size` bytes with unique data. */
function xmpSidecar(captureTime: string, name: string, size: number): Buffer {
  const head =
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">\n` +
    ` <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n` +
    `  <rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"` +
    ` xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"` +
    ` exif:DateTimeOriginal="${captureTime}" xmp:Rating="3" crs:RawFileName="${name}" crs:History="`;
  const tail = `"/>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>\n`;
  const pad = Math.max(0, size - Buffer.byteLength(head) - Buffer.byteLength(tail));
  const filler = keystream(`xmp:${name}:${captureTime}`)
    .update(Buffer.alloc(Math.ceil(pad / 2)))
    .toString('hex');
  return Buffer.from(head + filler.slice(0, pad) + tail);
}

function add(summary: CorpusSummary, kind: string, bytes: number): void {
  const k = (summary.byKind[kind] ??= { files: 0, bytes: 0 });
  k.files++;
  k.bytes += bytes;
  summary.files++;
  summary.bytes += bytes;
}

/**
 * Writes small XMP sidecars number `from` to `to - 1` (1-4 KB, unique content) spread over `folders`
 * leaf folders: twenty weddings under `weddingsRoot`, each with `folders / 20` card folders. Calling
 * it for consecutive ranges builds the same tree as one call for the whole range.
 */
export async function generateSmallFiles(
  weddingsRoot: string,
  opts: { from?: number; to: number; folders: number; seed?: number },
): Promise<CorpusSummary> {
  const weddings = Math.max(1, Math.min(20, opts.folders));
  const perWedding = Math.max(1, Math.round(opts.folders / weddings));
  const dirs: string[] = [];
  for (let w = 0; w < weddings; w++) {
    const day = String((w % 28) + 1).padStart(2, '0');
    for (let s = 0; s < perWedding; s++)
      dirs.push(
        join(weddingsRoot, `2025-07-${day} Couple ${w + 1}`, `Card ${String(s + 1).padStart(2, '0')}`),
      );
  }
  for (const d of dirs) await mkdir(d, { recursive: true });
  const summary: CorpusSummary = {
    root: weddingsRoot,
    files: 0,
    bytes: 0,
    byKind: {},
    generator: 'bench/corpus.ts',
  };
  const seed = opts.seed ?? 100_000;
  let next = opts.from ?? 0;
  const worker = async () => {
    for (let i = next++; i < opts.to; i = next++) {
      const dir = dirs[i % dirs.length]!;
      const name = `DSC_${String(i).padStart(6, '0')}`;
      const body = xmpSidecar(
        `2025-07-01T12:${String(i % 60).padStart(2, '0')}:00`,
        `${name}.NEF`,
        between(prng(seed + i), 1024, 4096),
      );
      await writeFile(join(dir, `${name}.xmp`), body, { flag: 'wx' });
      add(summary, 'xmp', body.length);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return summary;
}

/** Files and bytes under `dir` (regular files only), to check that a copy is complete. */
export function treeSize(dir: string): { files: number; bytes: number } {
  const total = { files: 0, bytes: 0 };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = treeSize(full);
      total.files += sub.files;
      total.bytes += sub.bytes;
    } else if (e.isFile()) {
      total.files++;
      total.bytes += statSync(full).size;
    }
  }
  return total;
}
