import type { Db } from './db.js';
import type { FileStat } from './files.js';

export interface UploadInProgress {
  stagingKey: string;
  token: string | null;
}

/**
 * Uploads in progress per file and destination: the staging key and the destination's resume token,
 * valid only while the file is unchanged (same size, mtime and inode).
 */
export class Uploads {
  constructor(private readonly db: Db) {}

  /** The upload to resume for this file as it is now, if any. */
  find(path: string, destination: string, stat: FileStat): UploadInProgress | undefined {
    const row = this.db
      .prepare(
        `SELECT staging_key, token, size, mtime_ms, ino FROM uploads WHERE path = ? AND destination = ?`,
      )
      .get(path, destination) as
      { staging_key: string; token: string | null; size: number; mtime_ms: number; ino: string } | undefined;
    if (!row || row.size !== stat.size || row.mtime_ms !== Math.trunc(stat.mtimeMs) || row.ino !== stat.ino)
      return undefined;
    return { stagingKey: row.staging_key, token: row.token };
  }

  /** Records (or updates) the upload of a file to a destination. */
  save(
    path: string,
    destination: string,
    stat: FileStat,
    stagingKey: string,
    token: string | null,
    now: number,
  ): void {
    this.db
      .prepare(
        `INSERT INTO uploads (path, destination, staging_key, size, mtime_ms, ino, token, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (path, destination) DO UPDATE SET staging_key = excluded.staging_key, size = excluded.size,
           mtime_ms = excluded.mtime_ms, ino = excluded.ino, token = excluded.token, updated_at = excluded.updated_at`,
      )
      .run(path, destination, stagingKey, stat.size, Math.trunc(stat.mtimeMs), stat.ino, token, now);
  }

  done(path: string, destination: string): void {
    this.db.prepare(`DELETE FROM uploads WHERE path = ? AND destination = ?`).run(path, destination);
  }

  /** Staging keys of uploads that may still be resumed: startup cleaning must keep them. */
  stagingKeys(destination: string): Set<string> {
    return new Set(
      (
        this.db.prepare(`SELECT staging_key FROM uploads WHERE destination = ?`).all(destination) as {
          staging_key: string;
        }[]
      ).map((r) => r.staging_key),
    );
  }

  /** Forgets uploads older than `before` (their multipart parts are aborted by the destination's own cleanup). */
  expire(before: number): void {
    this.db.prepare(`DELETE FROM uploads WHERE updated_at < ?`).run(before);
  }
}
