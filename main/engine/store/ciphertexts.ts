import type { Db } from './db.js';

/** Size and digests of the bytes sent for one replica in an encrypted repository. */
export interface CiphertextDigests {
  size: number;
  md5: string;
  sha256: string;
}

/**
 * The replica_ciphertexts table (schema 4): per object and destination, what the encrypted upload
 * sent. Verification after upload and scrubs compare the destination's digest with it.
 */
export class Ciphertexts {
  constructor(private readonly db: Db) {}

  get(hash: string, destination: string): CiphertextDigests | undefined {
    return this.db
      .prepare(`SELECT size, md5, sha256 FROM replica_ciphertexts WHERE hash = ? AND destination = ?`)
      .get(hash, destination) as CiphertextDigests | undefined;
  }

  record(hash: string, destination: string, d: CiphertextDigests, now: number): void {
    this.db
      .prepare(
        `INSERT INTO replica_ciphertexts (hash, destination, size, md5, sha256, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (hash, destination) DO UPDATE SET size = excluded.size, md5 = excluded.md5,
           sha256 = excluded.sha256, recorded_at = excluded.recorded_at`,
      )
      .run(hash, destination, d.size, d.md5, d.sha256, now);
  }
}
