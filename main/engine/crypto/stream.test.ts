import { createHash, randomBytes } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, DamagedCiphertextError, WrongKeyError } from './errors.js';
import { scanHeader } from './header.js';
import {
  createDecryptStream,
  createEncryptStream,
  decryptBytes,
  encryptBytes,
  encryptedSize,
  X25519_HEADER_SIZE,
} from './stream.js';

const K = 64 * 1024;
const SEALED = K + 16;
let identity: string;
let recipient: string;

beforeAll(async () => {
  identity = await generateX25519Identity();
  recipient = await identityToRecipient(identity);
});

/** Feeds `data` in pieces of `piece` bytes, to exercise every buffering path. */
function pieces(data: Buffer, piece: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece) parts.push(data.subarray(i, i + piece));
  return Readable.from(parts);
}

async function through(source: Readable, t: Transform): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(source, t, async (chunks: AsyncIterable<Buffer>) => {
    for await (const c of chunks) out.push(c);
  });
  return Buffer.concat(out);
}

/** Decrypts and returns what came out before the failure, and the failure. */
async function decryptPartially(data: Buffer, id = identity): Promise<{ out: Buffer; error: unknown }> {
  const out: Buffer[] = [];
  try {
    await pipeline(pieces(data, 10_000), createDecryptStream(id), async (chunks: AsyncIterable<Buffer>) => {
      for await (const c of chunks) out.push(c);
    });
    return { out: Buffer.concat(out), error: undefined };
  } catch (error) {
    return { out: Buffer.concat(out), error };
  }
}

const sizes = [0, 1, 100, K - 1, K, K + 1, 2 * K, 2 * K + 1, 3 * K + 12345];

describe('round trips', () => {
  it.each(sizes)('%i bytes: encrypts and decrypts back, at the exact predicted size', async (size) => {
    const plain = randomBytes(size);
    const enc = await createEncryptStream(recipient);
    const sealed = await through(pieces(plain, 7777), enc);
    expect(enc.headerSize).toBe(X25519_HEADER_SIZE);
    expect(sealed.length).toBe(encryptedSize(size));
    expect(sealed.length).toBe(enc.encryptedSize(size));
    expect(sealed.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    const back = await through(pieces(sealed, 5000), createDecryptStream(identity));
    expect(back.equals(plain)).toBe(true);
  });

  it('gives the same result whatever the input piece sizes (1 byte at a time included)', async () => {
    const plain = randomBytes(2 * K + 3);
    for (const piece of [1, 3, K - 1, K, K + 1, 1 << 20]) {
      const sealed = await through(pieces(plain, piece), await createEncryptStream(recipient));
      expect(sealed.length).toBe(encryptedSize(plain.length));
      const back = await through(pieces(sealed, piece), createDecryptStream(identity));
      expect(back.equals(plain)).toBe(true);
    }
  });

  it('uses a fresh file key and nonce for every file: equal plaintexts give unrelated ciphertexts', async () => {
    const plain = Buffer.alloc(K, 7);
    const a = await encryptBytes(recipient, plain);
    const b = await encryptBytes(recipient, plain);
    expect(a.equals(b)).toBe(false);
    expect(a.subarray(X25519_HEADER_SIZE).equals(b.subarray(X25519_HEADER_SIZE))).toBe(false);
    expect(a.includes(plain.subarray(0, 32))).toBe(false);
  });

  it('computes encryptedSize exactly at chunk boundaries', () => {
    expect(encryptedSize(0)).toBe(168 + 16 + 16);
    expect(encryptedSize(1)).toBe(168 + 16 + 1 + 16);
    expect(encryptedSize(K)).toBe(168 + 16 + K + 16);
    expect(encryptedSize(K + 1)).toBe(168 + 16 + K + 1 + 32);
    expect(encryptedSize(5 * 2 ** 30)).toBe(168 + 16 + 5 * 2 ** 30 + 16 * 81920);
    expect(() => encryptedSize(-1)).toThrow();
  });
});

describe('interoperates with the age-encryption library (another implementation of the format)', () => {
  it.each([0, 1, K, K + 1, 3 * K])(
    '%i bytes: the library decrypts ours, we decrypt the library’s',
    async (size) => {
      const plain = randomBytes(size);
      const dec = new Decrypter();
      dec.addIdentity(identity);
      expect(Buffer.from(await dec.decrypt(await encryptBytes(recipient, plain))).equals(plain)).toBe(true);

      const enc = new Encrypter();
      enc.addRecipient(recipient);
      const theirs = Buffer.from(await enc.encrypt(plain));
      expect((await decryptBytes(identity, theirs)).equals(plain)).toBe(true);
    },
  );

  it('decrypts a file with several recipient stanzas (a longer header)', async () => {
    const others = await Promise.all(
      [1, 2, 3].map(async () => identityToRecipient(await generateX25519Identity())),
    );
    const enc = new Encrypter();
    for (const r of [...others, recipient]) enc.addRecipient(r);
    const plain = randomBytes(K + 5);
    const theirs = Buffer.from(await enc.encrypt(plain));
    expect((await decryptBytes(identity, theirs)).equals(plain)).toBe(true);
  });
});

describe('refuses anything but the intact file for its key', () => {
  let plain: Buffer;
  let sealed: Buffer;
  const headerEnd = X25519_HEADER_SIZE;
  const payloadStart = headerEnd + 16;

  beforeAll(async () => {
    plain = randomBytes(3 * K + 500);
    sealed = await encryptBytes(recipient, plain);
    expect(scanHeader(sealed)).toBe(headerEnd);
  });

  const expectDamaged = (error: unknown) => {
    expect(error).toBeInstanceOf(DamagedCiphertextError);
    expect((error as CryptoError).kind).toBe('damaged');
  };

  it('a flipped bit anywhere is refused, and nothing unauthenticated comes out', async () => {
    // Positions: version line, stanza, MAC line, nonce, each chunk body and tag, the last byte.
    const positions = [0, 30, 60, 120, 150, headerEnd - 2, headerEnd, payloadStart, payloadStart + 100];
    for (let c = 0; c < 4; c++)
      positions.push(payloadStart + c * SEALED + 5, payloadStart + c * SEALED + SEALED - 3);
    positions.push(sealed.length - 1);
    for (const at of positions.filter((p) => p < sealed.length)) {
      const bad = Buffer.from(sealed);
      bad[at]! ^= 0x01;
      const { out, error } = await decryptPartially(bad);
      expect(error, `flip at ${at}`).toBeInstanceOf(CryptoError);
      // A flip in the recipient stanza makes it look like a stanza for another key: refused either way.
      if (at >= 60 && at < headerEnd) expect(['damaged', 'wrong-key']).toContain((error as CryptoError).kind);
      else if (at >= headerEnd) expectDamaged(error);
      // Whatever was released before the failure is a correct prefix from whole, authenticated chunks.
      expect(out.length % K).toBe(0);
      expect(out.equals(plain.subarray(0, out.length))).toBe(true);
      if (at >= payloadStart)
        expect(out.length).toBeLessThanOrEqual(Math.floor((at - payloadStart) / SEALED) * K);
    }
  });

  it('a truncated file is refused wherever it is cut, including exactly at a chunk boundary', async () => {
    const cuts = [
      0,
      10,
      22,
      headerEnd - 1,
      headerEnd,
      headerEnd + 8,
      payloadStart,
      payloadStart + 15,
      payloadStart + 16,
    ];
    for (let c = 1; c <= 3; c++) cuts.push(payloadStart + c * SEALED, payloadStart + c * SEALED + 1);
    cuts.push(sealed.length - 1);
    for (const cut of cuts) {
      const { out, error } = await decryptPartially(sealed.subarray(0, cut));
      expectDamaged(error);
      expect(out.equals(plain.subarray(0, out.length))).toBe(true);
    }
  });

  it('swapped, duplicated or dropped chunks are refused', async () => {
    const chunk = (i: number) => sealed.subarray(payloadStart + i * SEALED, payloadStart + (i + 1) * SEALED);
    const head = sealed.subarray(0, payloadStart);
    const last = sealed.subarray(payloadStart + 3 * SEALED);
    const variants = {
      swapped: [head, chunk(1), chunk(0), chunk(2), last],
      duplicated: [head, chunk(0), chunk(0), chunk(1), chunk(2), last],
      droppedMiddle: [head, chunk(0), chunk(2), last],
      droppedLast: [head, chunk(0), chunk(1), chunk(2)],
      extraAfterLast: [head, chunk(0), chunk(1), chunk(2), last, Buffer.from('x')],
      extraChunkAfterLast: [head, chunk(0), chunk(1), chunk(2), last, chunk(0)],
    };
    for (const [name, parts] of Object.entries(variants)) {
      const { error } = await decryptPartially(Buffer.concat(parts));
      expect(error, name).toBeInstanceOf(DamagedCiphertextError);
    }
  });

  it('a chunk from another file encrypted to the same key is refused (per-file keys)', async () => {
    const other = await encryptBytes(recipient, plain);
    const spliced = Buffer.from(sealed);
    other.copy(spliced, payloadStart + SEALED, payloadStart + SEALED, payloadStart + 2 * SEALED);
    expectDamaged((await decryptPartially(spliced)).error);
  });

  it('an empty final chunk after data is refused (the format allows it only for empty files)', async () => {
    // A 64 KiB file followed by an extra 16-byte (empty) chunk: a reader must not accept it as the end.
    const exact = await encryptBytes(recipient, randomBytes(K));
    const { error } = await decryptPartially(Buffer.concat([exact, exact.subarray(exact.length - 16)]));
    expectDamaged(error);
  });

  it('not an age file, or an empty input, is refused as damaged', async () => {
    for (const junk of [Buffer.alloc(0), Buffer.from('hello world\n'), randomBytes(200_000)]) {
      expectDamaged((await decryptPartially(junk)).error);
    }
    const armored = Buffer.from(
      '-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n',
    );
    expectDamaged((await decryptPartially(armored)).error);
    // A header that never ends.
    const endless = Buffer.concat([Buffer.from('age-encryption.org/v1\n'), Buffer.alloc(70_000, 0x41)]);
    expectDamaged((await decryptPartially(endless)).error);
  });

  it('another key is refused with WrongKeyError, before any output', async () => {
    const other = await generateX25519Identity();
    const { out, error } = await decryptPartially(sealed, other);
    expect(error).toBeInstanceOf(WrongKeyError);
    expect((error as Error).message).toMatch(/not encrypted to this repository's key/);
    expect(out.length).toBe(0);
  });

  it('a malformed identity or recipient is an invalid-key error', async () => {
    await expect(createEncryptStream('age1notarecipient')).rejects.toMatchObject({ kind: 'invalid-key' });
    const { error } = await decryptPartially(sealed, 'AGE-SECRET-KEY-1XYZ');
    expect(error).toMatchObject({ kind: 'invalid-key' });
  });
});

describe('decrypt stream digest check', () => {
  it('a 40 MiB file round-trips with matching SHA-256', async () => {
    const plain = randomBytes(40 * 1024 * 1024 + 17);
    const sealed = await through(pieces(plain, 1 << 20), await createEncryptStream(recipient));
    const back = await through(pieces(sealed, 1 << 20), createDecryptStream(identity));
    const h = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(h(back)).toBe(h(plain));
  });
});
