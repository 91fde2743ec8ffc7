/**
 * A 2 GiB stream through encrypt → decrypt in one process, checking the plaintext comes back
 * bit-exact and that memory (RSS) stays flat: the streams hold chunks, never the file.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { createDecryptStream, createEncryptStream, encryptedSize } from './stream.js';
import { generatedStream, HashTap } from './testing/generated.js';

const SIZE = 2 * 1024 ** 3 + 12345; // 2 GiB and a partial last chunk
const MB = 1024 * 1024;

describe('large files', () => {
  it('streams 2 GiB through encrypt and decrypt with RSS growing by less than 100 MB, and not with size', async () => {
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const plainIn = new HashTap();
    const sealed = new HashTap();
    const plainOut = new HashTap();
    const encrypt = await createEncryptStream(recipient);
    const decrypt = createDecryptStream(identity);

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let atHalfGiB = 0; // RSS once warmed up (JIT, heap sizing, allocator arenas)
    let peakSecondHalf = 0;
    const sink = new Writable({
      write(_chunk, _enc, done) {
        const rss = process.memoryUsage.rss();
        peak = Math.max(peak, rss);
        if (!atHalfGiB && plainOut.bytes >= 512 * MB) atHalfGiB = rss;
        if (plainOut.bytes >= SIZE / 2) peakSecondHalf = Math.max(peakSecondHalf, rss);
        done();
      },
    });
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 50);
    const started = performance.now();
    try {
      await pipeline([generatedStream(SIZE), plainIn, encrypt, sealed, decrypt, plainOut, sink]);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    const growth = (peak - baseline) / MB;
    const lateGrowth = (peakSecondHalf - atHalfGiB) / MB;
    console.log(
      `2 GiB encrypt→decrypt: ${seconds.toFixed(1)} s (${(SIZE / MB / seconds).toFixed(0)} MB/s through both), ` +
        `RSS ${(baseline / MB).toFixed(0)} MB → peak ${(peak / MB).toFixed(0)} MB (+${growth.toFixed(1)} MB; ` +
        `heap ${(process.memoryUsage().heapTotal / MB).toFixed(0)} MB; second half vs 512 MiB: ${lateGrowth >= 0 ? '+' : ''}${lateGrowth.toFixed(1)} MB)`,
    );
    expect(plainIn.bytes).toBe(SIZE);
    expect(sealed.bytes).toBe(encryptedSize(SIZE));
    expect(plainOut.bytes).toBe(SIZE);
    expect(plainOut.digest()).toBe(plainIn.digest());
    expect(growth).toBeLessThan(100);
    // A leak grows with the bytes streamed; 1.5 GiB more must not cost 50 MB more.
    expect(lateGrowth).toBeLessThan(50);
  }, 600_000);
});
