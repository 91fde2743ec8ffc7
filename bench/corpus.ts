/**
 * The benchmark's corpora, written by the engine's shared generator (main/engine/testing/corpus.ts):
 * one wedding of real-card sizes (incompressible RAW 25-60 MB and JPEG 5-15 MB, XMP sidecars, one
 * video, real camera samples), and a tree of many small unique XMP sidecars for the rescan test.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cameraFixturesDir,
  generateWedding,
  realCardSizes,
  seededRandom,
  xmpSidecar,
} from '../main/engine/testing/corpus.js';

/** What a generator wrote. */
export interface CorpusSummary {
  root: string;
  files: number;
  bytes: number;
  byKind: Record<string, { files: number; bytes: number }>;
  generator: string;
}

const SHARED_GENERATOR = 'main/engine/testing/corpus.ts';
const MB = 1_000_000;

/**
 * Writes one wedding of about `bytes` as `<weddingsRoot>/2026-06-14 Anna & Ben/`: RAW+JPEG pairs of
 * real-card sizes (RAW 25-60 MB with an XMP sidecar, JPEG 5-15 MB) and one video of 400 MB (at most a
 * fifth of the total), plus the real camera samples when they are present.
 */
export async function generateWeddingCorpus(weddingsRoot: string, bytes: number): Promise<CorpusSummary> {
  const videoSize = Math.min(400 * MB, Math.floor(bytes / 5));
  const pair = (25 * MB + 60 * MB) / 2 + (5 * MB + 15 * MB) / 2;
  const pairs = Math.max(1, Math.round((bytes - videoSize) / pair));
  const files = await generateWedding(join(weddingsRoot, '2026-06-14 Anna & Ben'), {
    ...realCardSizes,
    rawCount: pairs,
    jpegCount: pairs,
    videoSize,
    xmp: true,
    cameraFixtures: existsSync(cameraFixturesDir),
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
      const body = Buffer.from(
        xmpSidecar(`${name}.NEF`, {
          rating: 3,
          captureTime: `2025-07-01T12:${String(i % 60).padStart(2, '0')}:00`,
          size: 1024 + Math.floor(seededRandom(seed + i)() * 3072),
        }),
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
