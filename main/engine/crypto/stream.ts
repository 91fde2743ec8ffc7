/**
 * Streaming age encryption and decryption as Node Transform streams, for objects of any size:
 * memory stays at a few 64 KiB chunks (plus the stream buffers), never the file. What comes out of
 * the encrypt stream is a standard age file (`age -d -i key FILE` decrypts it); the decrypt stream
 * reads any age file encrypted to the identity, including ones written by the `age` tool.
 */
import { randomBytes } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CryptoError, DamagedCiphertextError } from './errors.js';
import {
  MAX_HEADER_SIZE,
  openHeader,
  scanHeader,
  sealHeader,
  type AgeIdentity,
  type AgeRecipient,
} from './header.js';
import {
  ByteQueue,
  CHUNK_SIZE,
  ChunkOpener,
  ChunkSealer,
  PAYLOAD_NONCE_SIZE,
  payloadKey,
  payloadSize,
  TAG_SIZE,
} from './payload.js';

/** Size of the header of a file encrypted to one X25519 recipient (`age1…`), as this module writes it. */
export const X25519_HEADER_SIZE = 168;

/**
 * Exact size of the age file for `plainSize` bytes: header, 16-byte nonce, and the plaintext plus a
 * 16-byte tag per 64 KiB chunk (at least one chunk). For PutOptions.size of an encrypted upload.
 */
export function encryptedSize(plainSize: number, headerSize = X25519_HEADER_SIZE): number {
  return headerSize + PAYLOAD_NONCE_SIZE + payloadSize(plainSize);
}

const STREAM_BUFFER = 256 * 1024;

/** A Transform from plaintext to an age file; `headerSize` and `encryptedSize` are exact for this stream. */
export class EncryptStream extends Transform {
  private readonly sealer: ChunkSealer;
  private readonly queue = new ByteQueue();
  private prefix: Buffer | undefined;

  /** Use createEncryptStream: the header needs an asynchronous key agreement. */
  constructor(header: Buffer, fileKey: Uint8Array) {
    super({ readableHighWaterMark: STREAM_BUFFER, writableHighWaterMark: STREAM_BUFFER });
    const nonce = randomBytes(PAYLOAD_NONCE_SIZE);
    this.sealer = new ChunkSealer(payloadKey(fileKey, nonce));
    this.prefix = Buffer.concat([header, nonce]);
    this.headerSize = header.length;
  }

  readonly headerSize: number;

  /** Exact number of bytes this stream yields for `plainSize` bytes of input. */
  encryptedSize(plainSize: number): number {
    return encryptedSize(plainSize, this.headerSize);
  }

  private start(): void {
    if (this.prefix) {
      this.push(this.prefix);
      this.prefix = undefined;
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.start();
    this.queue.push(chunk);
    // A full chunk is sealed as "not last" only once a further byte proves more follows.
    while (this.queue.length > CHUNK_SIZE) this.pushSealed(this.queue.take(CHUNK_SIZE), false);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.start();
    this.pushSealed(this.queue.take(this.queue.length), true);
    done();
  }

  private pushSealed(plain: Buffer[], last: boolean): void {
    for (const b of this.sealer.seal(plain, last)) this.push(b);
  }
}

/** A stream that encrypts to `recipient` (the repository's `age1…` recipient) with a fresh file key. */
export async function createEncryptStream(recipient: AgeRecipient): Promise<EncryptStream> {
  const { header, fileKey } = await sealHeader(recipient);
  const stream = new EncryptStream(header, fileKey);
  fileKey.fill(0);
  return stream;
}

/** A Transform from an age file to its plaintext; see createDecryptStream. */
export class DecryptStream extends Transform {
  private readonly queue = new ByteQueue();
  private opener: ChunkOpener | undefined;
  private fileKey: Uint8Array | undefined;

  constructor(
    private readonly identity: AgeIdentity,
    private readonly whose: string,
  ) {
    super({ readableHighWaterMark: STREAM_BUFFER, writableHighWaterMark: STREAM_BUFFER });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.queue.push(chunk);
    this.advance(false).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    this.advance(true).then(() => done(), done);
  }

  private pushAll(pieces: Buffer[]): void {
    for (const p of pieces) this.push(p);
  }

  private async advance(ended: boolean): Promise<void> {
    if (!this.fileKey && !this.opener) {
      const size = scanHeader(this.queue.peek(Math.min(this.queue.length, MAX_HEADER_SIZE)));
      if (size === undefined) {
        if (ended) throw new DamagedCiphertextError('truncated inside the age header');
        return;
      }
      this.fileKey = await openHeader(this.queue.takeBuffer(size), this.identity, this.whose);
    }
    if (!this.opener) {
      if (this.queue.length < PAYLOAD_NONCE_SIZE) {
        if (ended) throw new DamagedCiphertextError('truncated before the payload');
        return;
      }
      this.opener = new ChunkOpener(payloadKey(this.fileKey!, this.queue.takeBuffer(PAYLOAD_NONCE_SIZE)));
      this.fileKey!.fill(0);
      this.fileKey = undefined;
    }
    const sealed = CHUNK_SIZE + TAG_SIZE;
    try {
      // Hold back one full chunk: only the end of the input says whether it is the last one.
      while (this.queue.length > sealed) this.pushAll(this.opener.open(this.queue.take(sealed), false));
      if (!ended) return;
      const rest = this.queue.length;
      if (rest < TAG_SIZE) {
        throw new Error(rest === 0 ? 'truncated: the final chunk is missing' : 'truncated inside a chunk');
      }
      if (rest === TAG_SIZE && this.opener.count > 0) throw new Error('empty final chunk after data');
      this.pushAll(this.opener.open(this.queue.take(rest), true));
    } catch (err) {
      if (err instanceof CryptoError) throw err;
      throw new DamagedCiphertextError(
        `${(err as Error).message} (a changed byte, a cut-off end or reordered chunks)`,
        { cause: err },
      );
    }
  }
}

/**
 * A stream that decrypts an age file with `identity` (the repository key `AGE-SECRET-KEY-1…`).
 * Plaintext is released chunk by chunk, each only after it is authenticated; the stream fails with
 * a CryptoError (`damaged`, `wrong-key`) at the first bad byte, so a consumer must treat output as
 * valid only once the stream ends without error (restore to a temporary name, then rename).
 */
export function createDecryptStream(identity: AgeIdentity, whose = "this repository's key"): DecryptStream {
  return new DecryptStream(identity, whose);
}

async function collect(source: Readable, through: Transform): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(source, through, async (chunks: AsyncIterable<Buffer>) => {
    for await (const c of chunks) out.push(c);
  });
  return Buffer.concat(out);
}

/** Encrypts a small buffer whole (manifests, key files) to `recipient`. */
export async function encryptBytes(recipient: AgeRecipient, data: Uint8Array): Promise<Buffer> {
  return collect(Readable.from([Buffer.from(data)]), await createEncryptStream(recipient));
}

/** Decrypts a small age file whole; throws a CryptoError when it is damaged or not for `identity`. */
export async function decryptBytes(identity: AgeIdentity, data: Uint8Array, whose?: string): Promise<Buffer> {
  return collect(Readable.from([Buffer.from(data)]), createDecryptStream(identity, whose));
}
