import { sep } from 'node:path';
import type { CaptureSource, FileRecord, FileState } from '../../../shared/model/file.js';
import type { Db } from './db.js';

/** The camera facts stored per file (see `setCamera`). */
export interface CameraColumns {
  make?: string | undefined;
  model?: string | undefined;
  serial?: string | undefined;
  lens?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
}

/** What the filesystem says about a file right now. */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ino: string;
  dev: string;
}

interface FileRow {
  id: number;
  path: string;
  rel_path: string;
  wedding_id: number | null;
  folder_id: number;
  size: number;
  mtime_ms: number;
  ino: string | null;
  dev: string | null;
  hash: string | null;
  hashed_size: number | null;
  hashed_mtime_ms: number | null;
  hashed_ino: string | null;
  capture_time: string | null;
  capture_source: CaptureSource | null;
  state: FileState;
  error: string | null;
}

export interface IndexedFile extends FileRecord {
  folderId: number;
  ino: string | null;
  dev: string | null;
  /** True when `hash` was computed from the file exactly as it is now (same size, mtime, inode). */
  hashCurrent: boolean;
}

const toFile = (r: FileRow): IndexedFile => ({
  id: r.id,
  path: r.path,
  relPath: r.rel_path,
  weddingId: r.wedding_id,
  folderId: r.folder_id,
  size: r.size,
  mtimeMs: r.mtime_ms,
  ino: r.ino,
  dev: r.dev,
  hash: r.hash,
  captureTime: r.capture_time,
  captureSource: r.capture_source,
  state: r.state,
  error: r.error,
  hashCurrent:
    r.hash !== null && r.hashed_size === r.size && r.hashed_mtime_ms === r.mtime_ms && r.hashed_ino === r.ino,
});

/** The checksum index: every file seen in a watched folder, its last stat and its content hash. */
export class Files {
  constructor(private readonly db: Db) {}

  /**
   * Records that `path` exists with `stat`. Returns the file and whether it needs (re)backing up: a new
   * file, a changed one (size, mtime or inode differ from when it was hashed), or one that reappeared.
   */
  seen(
    f: { path: string; folderId: number; weddingId: number | null; relPath: string; stat: FileStat },
    now: number,
  ): { file: IndexedFile; changed: boolean } {
    const before = this.byPath(f.path);
    if (!before) {
      this.db
        .prepare(
          `INSERT INTO files (path, folder_id, wedding_id, rel_path, size, mtime_ms, ino, dev, state, first_seen, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
        )
        .run(
          f.path,
          f.folderId,
          f.weddingId,
          f.relPath,
          f.stat.size,
          Math.trunc(f.stat.mtimeMs),
          f.stat.ino,
          f.stat.dev,
          now,
          now,
        );
      return { file: this.byPath(f.path)!, changed: true };
    }
    const mtime = Math.trunc(f.stat.mtimeMs);
    const same =
      before.size === f.stat.size &&
      before.mtimeMs === mtime &&
      before.ino === f.stat.ino &&
      before.state !== 'deleted';
    if (
      same &&
      before.folderId === f.folderId &&
      before.weddingId === f.weddingId &&
      before.relPath === f.relPath
    ) {
      return { file: before, changed: false };
    }
    this.db
      .prepare(
        `UPDATE files SET folder_id = ?, wedding_id = ?, rel_path = ?, size = ?, mtime_ms = ?, ino = ?, dev = ?,
           state = CASE WHEN ? THEN state ELSE 'pending' END, error = CASE WHEN ? THEN error ELSE NULL END,
           updated_at = ? WHERE id = ?`,
      )
      .run(
        f.folderId,
        f.weddingId,
        f.relPath,
        f.stat.size,
        mtime,
        f.stat.ino,
        f.stat.dev,
        same ? 1 : 0,
        same ? 1 : 0,
        now,
        before.id,
      );
    return { file: this.byId(before.id)!, changed: !same };
  }

  /**
   * A file that vanished from disk with this exact identity (device, inode, size, mtime) and a known
   * hash: the same content under a new path after a rename or move, so it need not be read again.
   */
  movedFrom(stat: FileStat, exceptPath: string): IndexedFile | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM files WHERE dev = ? AND ino = ? AND hashed_size = ? AND hashed_mtime_ms = ? AND hashed_ino = ?
           AND hash IS NOT NULL AND path <> ? ORDER BY (state = 'deleted') DESC LIMIT 1`,
      )
      .get(stat.dev, stat.ino, stat.size, Math.trunc(stat.mtimeMs), stat.ino, exceptPath) as
      FileRow | undefined;
    return row && toFile(row);
  }

  /** Records the hash computed from the file as it was (`stat`) during the read. */
  setHash(id: number, hash: string, stat: FileStat, now: number): void {
    this.db
      .prepare(
        `UPDATE files SET hash = ?, hashed_size = ?, hashed_mtime_ms = ?, hashed_ino = ?, updated_at = ? WHERE id = ?`,
      )
      .run(hash, stat.size, Math.trunc(stat.mtimeMs), stat.ino, now, id);
  }

  /** Records the file's capture time and where it came from (null source when there is no time). */
  setCaptureTime(id: number, captureTime: string | null, source: CaptureSource | null): void {
    this.db
      .prepare(`UPDATE files SET capture_time = ?, capture_source = ? WHERE id = ?`)
      .run(captureTime, captureTime === null ? null : source, id);
  }

  /** Records what the file says it was shot with (each field null when it does not say). */
  setCamera(id: number, c: CameraColumns): void {
    this.db
      .prepare(
        `UPDATE files SET camera_make = ?, camera_model = ?, camera_serial = ?, lens = ?, pixel_width = ?,
           pixel_height = ? WHERE id = ?`,
      )
      .run(
        c.make ?? null,
        c.model ?? null,
        c.serial ?? null,
        c.lens ?? null,
        c.width ?? null,
        c.height ?? null,
        id,
      );
  }

  setState(id: number, state: FileState, error: string | null, now: number): void {
    this.db
      .prepare(`UPDATE files SET state = ?, error = ?, updated_at = ? WHERE id = ?`)
      .run(state, error, now, id);
  }

  /** The file is gone from disk; its index entry and stored copies stay (restore still finds them). */
  markDeleted(path: string, now: number): IndexedFile | undefined {
    this.db
      .prepare(`UPDATE files SET state = 'deleted', updated_at = ? WHERE path = ? AND state <> 'deleted'`)
      .run(now, path);
    return this.byPath(path);
  }

  byPath(path: string): IndexedFile | undefined {
    const row = this.db.prepare(`SELECT * FROM files WHERE path = ?`).get(path) as FileRow | undefined;
    return row && toFile(row);
  }

  byId(id: number): IndexedFile | undefined {
    const row = this.db.prepare(`SELECT * FROM files WHERE id = ?`).get(id) as FileRow | undefined;
    return row && toFile(row);
  }

  /** Files of a wedding that are still on disk (null: the unassigned ones). */
  ofWedding(weddingId: number | null): IndexedFile[] {
    const rows = (
      weddingId === null
        ? this.db
            .prepare(`SELECT * FROM files WHERE wedding_id IS NULL AND state <> 'deleted' ORDER BY rel_path`)
            .all()
        : this.db
            .prepare(`SELECT * FROM files WHERE wedding_id = ? AND state <> 'deleted' ORDER BY rel_path`)
            .all(weddingId)
    ) as FileRow[];
    return rows.map(toFile);
  }

  /** Paths of live files under a watched folder: the reconcile scan marks the ones it did not see. */
  livePathsOfFolder(folderId: number): string[] {
    return (
      this.db.prepare(`SELECT path FROM files WHERE folder_id = ? AND state <> 'deleted'`).all(folderId) as {
        path: string;
      }[]
    ).map((r) => r.path);
  }

  /** Live files whose content is `hash` (a corrupt replica is re-sent from one of these). */
  withHash(hash: string): IndexedFile[] {
    return (
      this.db.prepare(`SELECT * FROM files WHERE hash = ? AND state <> 'deleted'`).all(hash) as FileRow[]
    ).map(toFile);
  }

  /** Whether a live file of the wedding (null: unassigned) was first seen at or after `since`. */
  firstSeenSince(weddingId: number | null, since: number): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM files WHERE wedding_id IS ? AND first_seen >= ? AND state <> 'deleted' LIMIT 1`,
        )
        .get(weddingId, since) !== undefined
    );
  }

  /** Ids of the live, not skipped files whose content has a stored copy at `destination`. */
  idsStoredAt(destination: string): number[] {
    return (
      this.db
        .prepare(
          `SELECT f.id FROM files f JOIN replicas r ON r.hash = f.hash AND r.state = 'stored'
           WHERE r.destination = ? AND f.state IN ('pending', 'failed', 'protected')`,
        )
        .all(destination) as { id: number }[]
    ).map((r) => r.id);
  }

  /** Live files not protected yet (pending, failed, or protected before their content was known): queued at start-up. */
  unfinished(): { id: number; weddingId: number | null }[] {
    return this.db
      .prepare(
        `SELECT id, wedding_id AS weddingId FROM files
         WHERE state IN ('pending', 'failed') OR (state = 'protected' AND hash IS NULL)`,
      )
      .all() as { id: number; weddingId: number | null }[];
  }

  /** Marks everything under a vanished folder deleted; returns the weddings it touched. */
  markDeletedUnder(folder: string, now: number): (number | null)[] {
    const prefix = folder.endsWith(sep) ? folder : folder + sep;
    const rows = this.db
      .prepare(
        `UPDATE files SET state = 'deleted', updated_at = ? WHERE substr(path, 1, ?) = ? AND state <> 'deleted'
         RETURNING wedding_id AS weddingId`,
      )
      .all(now, prefix.length, prefix) as { weddingId: number | null }[];
    return [...new Set(rows.map((r) => r.weddingId))];
  }

  /** Live files under a folder (a folder the user just gave to a wedding). */
  liveUnder(folder: string): IndexedFile[] {
    const prefix = folder.endsWith(sep) ? folder : folder + sep;
    return (
      this.db
        .prepare(`SELECT * FROM files WHERE substr(path, 1, ?) = ? AND state <> 'deleted'`)
        .all(prefix.length, prefix) as FileRow[]
    ).map(toFile);
  }

  /**
   * Live files of import folders (loose card dumps): the ones whose wedding may change when weddings
   * or their dates change. Only index columns are read, never the files.
   */
  inImportFolders(): IndexedFile[] {
    return (
      this.db
        .prepare(
          `SELECT f.* FROM files f JOIN folders d ON d.id = f.folder_id AND d.kind = 'import'
           WHERE f.state <> 'deleted'`,
        )
        .all() as FileRow[]
    ).map(toFile);
  }

  /**
   * Moves files to another wedding. What the old wedding's manifests named no longer makes them
   * restorable under the new one: they await its next snapshot.
   */
  moveToWedding(
    moves: readonly { id: number; weddingId: number | null; relPath: string }[],
    now: number,
  ): void {
    const move = this.db.prepare(
      `UPDATE files SET wedding_id = ?, rel_path = ?, updated_at = ? WHERE id = ?`,
    );
    const forget = this.db.prepare(`DELETE FROM manifested WHERE file_id = ?`);
    this.db.transaction(() => {
      for (const m of moves) {
        move.run(m.weddingId, m.relPath, now, m.id);
        forget.run(m.id);
      }
    })();
  }

  /** Moves a file to another wedding (the user created one for its folder). */
  reassign(id: number, weddingId: number | null, relPath: string, now: number): void {
    this.db
      .prepare(`UPDATE files SET wedding_id = ?, rel_path = ?, updated_at = ? WHERE id = ?`)
      .run(weddingId, relPath, now, id);
  }
}
