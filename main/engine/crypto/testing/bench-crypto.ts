/**
 * Encryption throughput against plain read throughput, on a generated file (1 GiB by default):
 *   npx tsx main/engine/crypto/testing/bench-crypto.ts [--size-mib 1024] [--runs 2] [--dir /tmp]
 * The file was just written, so reads come from the page cache: the comparison is of CPU cost, the
 * worst case for encryption (a real disk or network is slower than both).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import { Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { createDecryptStream, createEncryptStream, encryptedSize } from '../stream.js';
import { AGE_BIN } from './age-cli.js';
import { generatedStream, HashTap } from './generated.js';

const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '1024' },
    runs: { type: 'string', default: '2' },
    dir: { type: 'string', default: tmpdir() },
    'skip-js': { type: 'boolean', default: false },
  },
});
const MIB = 1024 * 1024;
const size = Number(values['size-mib']) * MIB;
const runs = Number(values.runs);

const discard = () =>
  new Writable({
    highWaterMark: MIB,
    write(_c, _e, done) {
      done();
    },
  });

const read = (path: string) => createReadStream(path, { highWaterMark: MIB });

/** Best of `runs` timings of `task`, as MiB/s of `bytes`. */
async function measure(label: string, bytes: number, task: () => Promise<void>, times = runs): Promise<void> {
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await task();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  const mibs = bytes / MIB / best;
  console.log(`${label.padEnd(52)} ${mibs.toFixed(0).padStart(6)} MiB/s  (${best.toFixed(2)} s)`);
}

function runAge(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(AGE_BIN, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`age exited ${code}`))));
  });
}

const dir = await mkdtemp(join(values.dir, 'keepsake-bench-crypto-'));
try {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  const plainPath = join(dir, 'plain.bin');
  const sealedPath = join(dir, 'sealed.age');
  await pipeline(generatedStream(size), createWriteStream(plainPath));
  await pipeline(read(plainPath), await createEncryptStream(recipient), createWriteStream(sealedPath));
  if ((await stat(sealedPath)).size !== encryptedSize(size)) throw new Error('encrypted size mismatch');
  console.log(`file: ${size / MIB} MiB in ${dir}; node ${process.version}; best of ${runs} runs\n`);

  await measure('plain read', size, () => pipeline(read(plainPath), discard()));
  await measure('read + SHA-256 (what backup already does)', size, async () => {
    const h = createHash('sha256');
    await pipeline(
      read(plainPath),
      new Writable({
        write(c: Buffer, _e, done) {
          h.update(c);
          done();
        },
      }),
    );
  });
  await measure('read + encrypt (this module, native ChaCha20)', size, async () =>
    pipeline(read(plainPath), await createEncryptStream(recipient), discard()),
  );
  await measure('read + encrypt + SHA-256 of plaintext', size, async () =>
    pipeline(read(plainPath), new HashTap(), await createEncryptStream(recipient), discard()),
  );
  await measure('read + decrypt (this module)', size, async () =>
    pipeline(read(sealedPath), createDecryptStream(identity) as Transform, discard()),
  );
  await measure('age CLI encrypt (Go, for reference)', size, () =>
    runAge(['-e', '-r', recipient, '-o', '/dev/null', plainPath]),
  );
  if (!values['skip-js']) {
    // The library's own streaming API (pure-JS cipher), on at most 256 MiB: it is much slower.
    const jsSize = Math.min(size, 256 * MIB);
    await measure(
      `read + encrypt (age-encryption pure JS, ${jsSize / MIB} MiB)`,
      jsSize,
      async () => {
        const enc = new Encrypter();
        enc.addRecipient(recipient);
        const src = Readable.toWeb(createReadStream(plainPath, { highWaterMark: MIB, end: jsSize - 1 }));
        const out = await enc.encrypt(src as ReadableStream<Uint8Array>);
        await pipeline(Readable.fromWeb(out as WebReadableStream<Uint8Array>), discard());
      },
      1,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
