import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { Digests } from '../destinations/destination.js';

/** SHA-256 (the object's name) and MD5 (what most providers report back) computed over one read. */
export class ContentHasher {
  private readonly sha = createHash('sha256');
  private readonly md5: Hash = createHash('md5');
  bytes = 0;

  update(chunk: Buffer): void {
    this.sha.update(chunk);
    this.md5.update(chunk);
    this.bytes += chunk.length;
  }

  finish(): { sha256: string; md5: string; size: number } {
    return { sha256: this.sha.digest('hex'), md5: this.md5.digest('hex'), size: this.bytes };
  }
}

/**
 * True when a digest the destination confirmed matches the content's. At least one digest must be
 * comparable: a destination that can confirm nothing does not get a replica counted as protected.
 */
export function digestsMatch(stored: Digests, content: { sha256: string; md5: string | null }): boolean {
  let compared = false;
  if (stored.sha256) {
    if (stored.sha256 !== content.sha256) return false;
    compared = true;
  }
  if (stored.md5 && content.md5) {
    if (stored.md5 !== content.md5) return false;
    compared = true;
  }
  return compared;
}

/**
 * A pass-through that computes MD5 and SHA-256 of what flows through it: in an encrypted upload, of
 * the ciphertext actually sent, which is what the destination stores and reports digests of.
 */
export class DigestTap extends Transform {
  private readonly sha = createHash('sha256');
  private readonly md5: Hash = createHash('md5');
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.sha.update(chunk);
    this.md5.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  /** The digests; call once, after the stream ended. */
  finish(): { size: number; md5: string; sha256: string } {
    return { size: this.bytes, md5: this.md5.digest('hex'), sha256: this.sha.digest('hex') };
  }
}
