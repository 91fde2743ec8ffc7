import { createHash, type Hash } from 'node:crypto';
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
