/**
 * Backup throughput through the Engine to a local vault, plain against encrypted, on one generated
 * wedding (1 GiB by default: RAW-sized files and a video):
 *   npx tsx main/engine/crypto/testing/bench-engine.ts [--size-mib 1024] [--runs 2] [--dir /tmp]
 * Each run is a fresh home and vault over the same files (read from the page cache after the first
 * run), so the difference is the cost of encryption in the whole pipeline: read, hash, encrypt,
 * write, verify.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { systemClock } from '../../clock.js';
import { newConfig, saveConfig } from '../../config/config-file.js';
import { FileKeyCache } from '../../config/key-cache.js';
import { Engine } from '../../engine.js';
import { addDestination } from '../../setup/destinations.js';
import { addFolder } from '../../setup/folders.js';
import { generatedStream } from './generated.js';

const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '1024' },
    runs: { type: 'string', default: '2' },
    dir: { type: 'string', default: tmpdir() },
  },
});
const MIB = 1024 * 1024;
const total = Number(values['size-mib']) * MIB;
const runs = Number(values.runs);

const dir = await mkdtemp(join(values.dir, 'keepsake-bench-engine-'));
try {
  // The corpus: 40 MiB RAW files and one video holding the rest (at least 1 MiB).
  const weddings = join(dir, 'Weddings');
  const wedding = join(weddings, '2026-06-14 Smith & Jones');
  await mkdir(join(wedding, 'RAW'), { recursive: true });
  await mkdir(join(wedding, 'Video'), { recursive: true });
  const raw = 40 * MIB;
  const raws = Math.max(0, Math.floor((total - MIB) / raw));
  for (let i = 1; i <= raws; i++) {
    const name = `IMG_${String(i).padStart(4, '0')}.CR3`;
    await pipeline(generatedStream(raw), createWriteStream(join(wedding, 'RAW', name)));
  }
  await pipeline(
    generatedStream(total - raws * raw),
    createWriteStream(join(wedding, 'Video', 'Ceremony.MP4')),
  );
  console.log(
    `corpus: ${raws} × 40 MiB + 1 video, ${(total / MIB).toFixed(0)} MiB in ${dir}; node ${process.version}; best of ${runs} runs\n`,
  );

  const backup = async (encrypted: boolean, run: number): Promise<number> => {
    const home = join(dir, `home-${encrypted ? 'enc' : 'plain'}-${run}`);
    let config = addFolder(newConfig(), weddings, 'weddings');
    config = await addDestination(
      config,
      {
        name: 'Vault',
        kind: 'local',
        path: join(dir, `vault-${encrypted ? 'enc' : 'plain'}-${run}`),
        enabled: true,
      },
      systemClock,
      undefined,
      encrypted
        ? {
            keys: new FileKeyCache(home),
            passphrase: () => Promise.resolve('benchmark passphrase, long enough'),
            scryptWorkFactor: 10,
          }
        : undefined,
    );
    saveConfig(home, { ...config, watch: { stableMs: 0 } });
    const engine = Engine.open({ home });
    try {
      const started = performance.now();
      const report = await engine.backupOnce();
      const seconds = (performance.now() - started) / 1000;
      if (!report.allProtected) throw new Error('the backup did not protect everything');
      return seconds;
    } finally {
      await engine.close();
      await rm(join(dir, `vault-${encrypted ? 'enc' : 'plain'}-${run}`), { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    }
  };

  const best: Record<'plain' | 'encrypted', number> = { plain: Infinity, encrypted: Infinity };
  for (let run = 0; run < runs; run++) {
    for (const encrypted of [false, true]) {
      const s = await backup(encrypted, run);
      const label = encrypted ? 'encrypted' : 'plain';
      best[label] = Math.min(best[label], s);
      console.log(
        `run ${run + 1} ${label.padEnd(9)} ${(total / MIB / s).toFixed(0).padStart(5)} MiB/s  (${s.toFixed(2)} s)`,
      );
    }
  }
  const plain = total / MIB / best.plain;
  const encrypted = total / MIB / best.encrypted;
  console.log(
    `\nbest: plain ${plain.toFixed(0)} MiB/s, encrypted ${encrypted.toFixed(0)} MiB/s; ` +
      `encrypted / plain = ${(encrypted / plain).toFixed(2)}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
