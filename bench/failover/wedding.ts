/**
 * The failover benchmark's wedding: about `bytes` of incompressible RAW files of about 25 MB each
 * (80 files for 2 GB), written by the engine's shared generator, so a quarter of the bytes is a
 * quarter of the files and no single large file decides when the failure lands.
 */
import { join } from 'node:path';
import { generateWedding } from '../../main/engine/testing/corpus.js';
import type { CorpusSummary } from '../corpus.js';

/** The wedding folder's name under the weddings root. */
export const WEDDING_FOLDER = '2026-06-14 Anna & Ben';

const FILE_BYTES = 25_000_000;

/** Writes the wedding under `weddingsRoot` and describes it (at least 4 files). */
export async function generateFailoverWedding(weddingsRoot: string, bytes: number): Promise<CorpusSummary> {
  const count = Math.max(4, Math.round(bytes / FILE_BYTES));
  const files = await generateWedding(join(weddingsRoot, WEDDING_FOLDER), {
    rawCount: count,
    rawSize: [FILE_BYTES - 500_000, FILE_BYTES + 500_000],
    jpegCount: 0,
    videoSize: 0,
    xmp: false,
    cameraFixtures: false,
    seed: 20260614,
  });
  const total = files.reduce((n, f) => n + f.size, 0);
  return {
    root: weddingsRoot,
    files: files.length,
    bytes: total,
    byKind: { raw: { files: files.length, bytes: total } },
    generator: 'main/engine/testing/corpus.ts',
  };
}
