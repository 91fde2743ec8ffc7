/**
 * The age v1 payload: ChaCha20-Poly1305 in 64 KiB chunks under the STREAM construction (an 11-byte
 * big-endian chunk counter and a last-chunk flag as the nonce), with node:crypto's native cipher.
 * Each chunk is authenticated on its own, so memory stays at one chunk whatever the file size, and
 * truncation, reordering or a flipped bit fail authentication.
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

/** Plaintext bytes per chunk; every chunk but the last is exactly this long. */
export const CHUNK_SIZE = 64 * 1024;
/** Poly1305 tag appended to every chunk. */
export const TAG_SIZE = 16;
/** Random nonce between header and payload, from which the payload key is derived. */
export const PAYLOAD_NONCE_SIZE = 16;

/** The payload key: HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload"). */
export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
}

/** The STREAM nonce sequence: counter 0, 1, 2… in bytes 0–10, last-chunk flag in byte 11. */
class ChunkNonces {
  private readonly nonce = Buffer.alloc(12);
  /** Chunks used so far. */
  count = 0;
  next(last: boolean): Buffer {
    const n = Buffer.from(this.nonce);
    n[11] = last ? 1 : 0;
    for (let i = 10; i >= 0; i--) {
      this.nonce[i] = (this.nonce[i]! + 1) & 0xff;
      if (this.nonce[i] !== 0) break;
    }
    this.count++;
    return n;
  }
}

/** Encrypts the chunks of one payload in order. */
export class ChunkSealer {
  private readonly nonces = new ChunkNonces();
  constructor(private readonly key: Buffer) {}
  /** Seals one chunk given as consecutive pieces; returns ciphertext pieces then the tag (no copying). */
  seal(plain: Buffer[], last: boolean): Buffer[] {
    const c = createCipheriv('chacha20-poly1305', this.key, this.nonces.next(last), {
      authTagLength: TAG_SIZE,
    });
    const out = plain.map((p) => c.update(p)).filter((b) => b.length > 0);
    c.final();
    out.push(c.getAuthTag());
    return out;
  }
}

/** Decrypts and authenticates the chunks of one payload in order; throws on any failure. */
export class ChunkOpener {
  private readonly nonces = new ChunkNonces();
  constructor(private readonly key: Buffer) {}
  /** Chunks opened so far. */
  get count(): number {
    return this.nonces.count;
  }
  /** Opens one sealed chunk given as consecutive pieces (ciphertext then 16-byte tag, split anywhere). */
  open(sealed: Buffer[], last: boolean): Buffer[] {
    const index = this.nonces.count;
    const { body, tag } = splitTag(sealed);
    const d = createDecipheriv('chacha20-poly1305', this.key, this.nonces.next(last), {
      authTagLength: TAG_SIZE,
    });
    d.setAuthTag(tag);
    const out = body.map((p) => d.update(p)).filter((b) => b.length > 0);
    try {
      d.final();
    } catch {
      throw new Error(`chunk ${index} failed authentication`);
    }
    return out;
  }
}

/** Splits pieces into the leading ciphertext pieces and the trailing 16-byte tag (≥ 16 bytes in all). */
function splitTag(pieces: Buffer[]): { body: Buffer[]; tag: Buffer } {
  const body: Buffer[] = [];
  const tagParts: Buffer[] = [];
  let rest = pieces.reduce((n, p) => n + p.length, 0) - TAG_SIZE;
  for (const p of pieces) {
    const k = Math.max(0, Math.min(p.length, rest));
    if (k > 0) body.push(p.subarray(0, k));
    if (k < p.length) tagParts.push(p.subarray(k));
    rest -= k;
  }
  return { body, tag: tagParts.length === 1 ? tagParts[0]! : Buffer.concat(tagParts) };
}

/** A FIFO of byte pieces that hands out exact lengths as pieces, without copying. */
export class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    if (b.length === 0) return;
    this.parts.push(b);
    this.length += b.length;
  }
  /** The first `n` bytes (n ≤ length) as one buffer, without consuming them (copies only if split). */
  peek(n: number): Buffer {
    const first = this.parts[0];
    if (first && first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.parts, this.length).subarray(0, n);
  }
  /** Removes the first `n` bytes (n ≤ length) and returns them as consecutive pieces. */
  take(n: number): Buffer[] {
    if (n > this.length) throw new Error('ByteQueue: not enough bytes');
    const out: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const part = this.parts[0]!;
      if (part.length <= left) {
        out.push(part);
        this.parts.shift();
        left -= part.length;
      } else {
        out.push(part.subarray(0, left));
        this.parts[0] = part.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
    return out;
  }
  /** Removes the first `n` bytes as one buffer (copies only when they span pieces). */
  takeBuffer(n: number): Buffer {
    const pieces = this.take(n);
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, n);
  }
}

/** Payload bytes for `plainSize` bytes of plaintext: at least one chunk, each with its tag. */
export function payloadSize(plainSize: number): number {
  if (!Number.isSafeInteger(plainSize) || plainSize < 0) throw new Error(`invalid size: ${plainSize}`);
  return plainSize + TAG_SIZE * Math.max(1, Math.ceil(plainSize / CHUNK_SIZE));
}
