import type { Db } from './db.js';

/** One live file of a wedding as the analysis reads it. */
export interface AnalysisRow {
  relPath: string;
  size: number;
  captureTime: string | null;
  make: string | null;
  model: string | null;
  serial: string | null;
  lens: string | null;
  width: number | null;
  height: number | null;
}

/** When Keepsake last saw a wedding change, restored from it and showed it. */
export interface AccessTimes {
  lastChanged: number | null;
  lastRestored: number | null;
  lastOpened: number | null;
}

const weddingIs = (weddingId: number | null) => (weddingId === null ? 'IS NULL' : '= ?');
const args = (weddingId: number | null) => (weddingId === null ? [] : [weddingId]);

/** The queries behind `keepsake analyze` (SQL lives in store/). */
export class AnalysisQueries {
  constructor(private readonly db: Db) {}

  /** The wedding's live files with their camera facts. */
  rows(weddingId: number | null): AnalysisRow[] {
    return this.db
      .prepare(
        `SELECT rel_path AS relPath, size, capture_time AS captureTime, camera_make AS make,
           camera_model AS model, camera_serial AS serial, lens, pixel_width AS width, pixel_height AS height
         FROM files WHERE wedding_id ${weddingIs(weddingId)} AND state <> 'deleted'`,
      )
      .all(...args(weddingId)) as AnalysisRow[];
  }

  /**
   * Newest file change (a file first seen, or modified on disk: edits arriving), newest restore, last
   * opened.
   */
  access(weddingId: number | null): AccessTimes {
    const changed = this.db
      .prepare(
        `SELECT max(max(first_seen), max(mtime_ms)) AS t FROM files WHERE wedding_id ${weddingIs(weddingId)}`,
      )
      .get(...args(weddingId)) as { t: number | null };
    const restored = this.db
      .prepare(
        `SELECT max(at) AS t FROM audit_events WHERE kind = 'restore' AND wedding_id ${weddingIs(weddingId)}`,
      )
      .get(...args(weddingId)) as { t: number | null };
    const opened =
      weddingId === null
        ? undefined
        : (this.db.prepare(`SELECT opened_at AS t FROM weddings WHERE id = ?`).get(weddingId) as
            { t: number | null } | undefined);
    return { lastChanged: changed.t, lastRestored: restored.t, lastOpened: opened?.t ?? null };
  }

  /** Records that the photographer opened the wedding in Keepsake. */
  opened(weddingId: number, now: number): void {
    this.db.prepare(`UPDATE weddings SET opened_at = ? WHERE id = ?`).run(now, weddingId);
  }
}
