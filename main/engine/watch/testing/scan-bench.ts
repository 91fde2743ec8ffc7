/**
 * Benchmark of the reconcile scan (not a test): times no-change rescans of a tree of small files.
 * Run: `npx tsx main/engine/watch/testing/scan-bench.ts [files=100000] [concurrency=48]`.
 * The tree is built once in the OS temp folder and kept for later runs; delete it by hand.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { scanFolder } from '../scan.js';

const files = Number(process.argv[2] ?? 100_000);
const concurrency = Number(process.argv[3] ?? 48);
const perFolder = 1000;
const root = join(tmpdir(), `keepsake-scan-bench-${files}`);

async function build(): Promise<void> {
  const done = join(root, 'BUILT');
  if (existsSync(done)) return;
  const t0 = performance.now();
  for (let folder = 0; folder * perFolder < files; folder++) {
    const dir = join(root, `2026-06-${String((folder % 28) + 1).padStart(2, '0')} Couple ${folder}`, 'RAW');
    await mkdir(dir, { recursive: true });
    const count = Math.min(perFolder, files - folder * perFolder);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < count; i++)
      writes.push(writeFile(join(dir, `IMG_${String(i).padStart(4, '0')}.CR3`), 'x'));
    await Promise.all(writes);
  }
  await writeFile(done, '');
  console.log(`built ${files} files in ${root} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

await build();
for (let run = 1; run <= 3; run++) {
  const t0 = performance.now();
  let n = 0;
  let errors = 0;
  for await (const entry of scanFolder(root, { concurrency })) {
    if (entry.kind === 'error') errors++;
    else n++;
  }
  const ms = performance.now() - t0;
  console.log(`run ${run}: ${n} entries, ${errors} errors, ${ms.toFixed(0)} ms (concurrency ${concurrency})`);
}
