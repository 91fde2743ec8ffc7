import type { Db } from './db.js';

/** SQL for a file `f`'s holders: the destinations with a stored copy of its content, sorted, joined by U+001F. */
const HOLDERS = `coalesce((SELECT group_concat(destination, char(31)) FROM
  (SELECT r.destination FROM replicas r WHERE r.hash = f.hash AND r.state = 'stored' ORDER BY r.destination)), '')`;

/**
 * SQL for a file `f`'s restorable holders: destinations with a stored copy of its content whose
 * stored manifest names this version of the file (as HOLDERS, sorted, joined by U+001F).
 */
const RESTORABLE = `coalesce((SELECT group_concat(destination, char(31)) FROM
  (SELECT r.destination FROM replicas r JOIN manifested m
     ON m.destination = r.destination AND m.file_id = f.id AND m.hash = f.hash
   WHERE r.hash = f.hash AND r.state = 'stored' ORDER BY r.destination)), '')`;

export interface WeddingCounts {
  weddingId: number | null;
  files: number;
  bytes: number;
  protected: number;
  pending: number;
  failed: number;
  skipped: number;
}

/** Aggregates for status output: per-wedding counts and copies per destination. */
export class StatusQueries {
  constructor(private readonly db: Db) {}

  /** Counts of one wedding (null: the unassigned files). */
  forWedding(weddingId: number | null): WeddingCounts {
    return this.db
      .prepare(
        `SELECT ? AS weddingId, count(*) AS files, coalesce(sum(size), 0) AS bytes,
           coalesce(sum(state = 'protected'), 0) AS protected, coalesce(sum(state = 'pending'), 0) AS pending,
           coalesce(sum(state = 'failed'), 0) AS failed, coalesce(sum(state = 'skipped'), 0) AS skipped
         FROM files WHERE wedding_id IS ? AND state <> 'deleted'`,
      )
      .get(weddingId, weddingId) as WeddingCounts;
  }

  perWedding(): WeddingCounts[] {
    return this.db
      .prepare(
        `SELECT wedding_id AS weddingId, count(*) AS files, coalesce(sum(size), 0) AS bytes,
           sum(state = 'protected') AS protected, sum(state = 'pending') AS pending,
           sum(state = 'failed') AS failed, sum(state = 'skipped') AS skipped
         FROM files WHERE state <> 'deleted' GROUP BY wedding_id`,
      )
      .all() as WeddingCounts[];
  }

  /**
   * For each wedding and destination: how many of its live files are restorable from there (content
   * stored and this version named in the stored manifest).
   */
  restorableCopies(): { weddingId: number | null; destination: string; files: number }[] {
    return this.db
      .prepare(
        `SELECT f.wedding_id AS weddingId, r.destination, count(*) AS files
         FROM files f JOIN replicas r ON r.hash = f.hash AND r.state = 'stored'
         JOIN manifested m ON m.destination = r.destination AND m.file_id = f.id AND m.hash = f.hash
         WHERE f.state <> 'deleted' AND f.state <> 'skipped' GROUP BY f.wedding_id, r.destination`,
      )
      .all() as { weddingId: number | null; destination: string; files: number }[];
  }

  /** Per wedding: live files with a stored copy somewhere that no manifest there names yet. */
  awaitingManifest(): { weddingId: number | null; files: number }[] {
    return this.db
      .prepare(
        `SELECT f.wedding_id AS weddingId, count(*) AS files FROM files f
         WHERE f.state IN ('pending', 'failed', 'protected') AND f.hash IS NOT NULL
           AND EXISTS (SELECT 1 FROM replicas r WHERE r.hash = f.hash AND r.state = 'stored')
           AND ${RESTORABLE} = ''
         GROUP BY f.wedding_id`,
      )
      .all() as { weddingId: number | null; files: number }[];
  }

  /** For each wedding and destination: how many of its live files have a stored copy there. */
  copies(): { weddingId: number | null; destination: string; files: number }[] {
    return this.db
      .prepare(
        `SELECT f.wedding_id AS weddingId, r.destination, count(*) AS files
         FROM files f JOIN replicas r ON r.hash = f.hash AND r.state = 'stored'
         WHERE f.state <> 'deleted' AND f.state <> 'skipped' GROUP BY f.wedding_id, r.destination`,
      )
      .all() as { weddingId: number | null; destination: string; files: number }[];
  }

  /**
   * Live files grouped by wedding and by the set of destinations they are restorable from (content
   * stored and named in the manifest there; names joined by a unit separator, sorted; '' for none):
   * what coverage and "protected" are computed from.
   * `weddings`: only these weddings (null for the unassigned files); all when absent.
   */
  holderSets(
    weddings?: readonly (number | null)[],
  ): { weddingId: number | null; holders: string; files: number }[] {
    const ids = weddings?.filter((w): w is number => w !== null) ?? [];
    const where =
      weddings === undefined
        ? ''
        : `AND (f.wedding_id IN (${ids.map(() => '?').join(',')})${weddings.includes(null) ? ' OR f.wedding_id IS NULL' : ''})`;
    return this.db
      .prepare(
        `SELECT f.wedding_id AS weddingId, ${RESTORABLE} AS holders, count(*) AS files
         FROM files f WHERE f.state IN ('pending', 'failed', 'protected') ${where}
         GROUP BY f.wedding_id, holders`,
      )
      .all(...ids) as { weddingId: number | null; holders: string; files: number }[];
  }

  /** Every protected file with content, with the destinations holding it (as in `holderSets`). */
  protectedHolders(): { fileId: number; weddingId: number | null; holders: string }[] {
    return this.db
      .prepare(
        `SELECT f.id AS fileId, f.wedding_id AS weddingId, ${HOLDERS} AS holders
         FROM files f WHERE f.state = 'protected' AND f.hash IS NOT NULL`,
      )
      .all() as { fileId: number; weddingId: number | null; holders: string }[];
  }

  /** Recent problems worth showing: failed or skipped files with their reasons. */
  problems(limit = 20): { path: string; state: string; error: string }[] {
    return this.db
      .prepare(
        `SELECT path, state, error FROM files WHERE state IN ('failed', 'skipped') AND error IS NOT NULL
         ORDER BY updated_at DESC LIMIT ?`,
      )
      .all(limit) as { path: string; state: string; error: string }[];
  }

  /** Bytes of the files waiting for upload, for progress bars and ETAs. */
  pendingBytes(): number {
    return (
      this.db
        .prepare(
          `SELECT coalesce(sum(f.size), 0) AS n FROM jobs j JOIN files f ON f.id = CAST(j.subject AS INTEGER) WHERE j.kind = 'upload'`,
        )
        .get() as { n: number }
    ).n;
  }
}
