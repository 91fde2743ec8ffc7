import type { Db } from './db.js';

/** `device-index`: this device's summary for the studio view on one destination (subject: its name). */
export type JobKind = 'upload' | 'snapshot' | 'device-index';

export interface Job {
  id: number;
  kind: JobKind;
  subject: string;
  priority: number;
  attempts: number;
  lastError: string | null;
}

interface JobRow {
  id: number;
  kind: JobKind;
  subject: string;
  priority: number;
  attempts: number;
  last_error: string | null;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  subject: r.subject,
  priority: r.priority,
  attempts: r.attempts,
  lastError: r.last_error,
});

/**
 * The statement that claims due jobs: parameters owner, lease end, now, now, the `kinds` (when
 * `kinds` is given, that many), limit. Exported so its query plan is tested on a full queue. The
 * index is named and `+run_after` kept out of it: left to itself SQLite picks `jobs_ready` for the
 * `run_after` range (or, with statistics, a skip-scan) and sorts every due job on each claim.
 */
export function claimSql(kinds?: number): string {
  const kindFilter = kinds ? `AND kind IN (${Array.from({ length: kinds }, () => '?').join(',')})` : '';
  return `UPDATE jobs SET state = 'running', lease_owner = ?, lease_until = ?, updated_at = ?
           WHERE id IN (
             SELECT id FROM jobs INDEXED BY jobs_next WHERE state = 'queued' AND +run_after <= ? ${kindFilter}
             ORDER BY priority DESC, run_after, id LIMIT ?)
           RETURNING id, kind, subject, priority, attempts, last_error`;
}

/**
 * The durable job queue. Jobs are claimed with a lease; a process that dies leaves its leases to expire
 * (or to `releaseAll` at the next start, since one process owns a home), so no work is lost. A job
 * enqueued again while it runs is marked to run once more, so a change during an upload is not missed.
 */
export class JobQueue {
  constructor(private readonly db: Db) {}

  enqueue(
    kind: JobKind,
    subject: string,
    now: number,
    opts: { priority?: number; runAfter?: number } = {},
  ): void {
    const runAfter = opts.runAfter ?? now;
    this.db
      .prepare(
        `INSERT INTO jobs (kind, subject, priority, run_after, created_at, updated_at)
         VALUES (@kind, @subject, @priority, @runAfter, @now, @now)
         ON CONFLICT (kind, subject) DO UPDATE SET
           priority = max(priority, excluded.priority),
           run_after = CASE WHEN state = 'queued' THEN min(run_after, excluded.run_after) ELSE run_after END,
           rerun = CASE WHEN state = 'running' THEN 1 ELSE rerun END,
           updated_at = excluded.updated_at`,
      )
      .run({ kind, subject, priority: opts.priority ?? 0, runAfter, now });
  }

  /** Makes every queued job of a kind due now (snapshots at the end of `backup --once`). */
  dueNow(kind: JobKind, now: number): void {
    this.db.prepare(`UPDATE jobs SET run_after = ? WHERE kind = ? AND state = 'queued'`).run(now, kind);
  }

  /**
   * Claims up to `limit` due jobs (highest priority first, then oldest) for `owner` until now + leaseMs.
   * Jobs whose lease expired (their process died) are queued again first. The order is the `jobs_next`
   * index's, so a claim reads only the rows it takes, however many are queued.
   */
  claim(owner: string, now: number, leaseMs: number, limit: number, kinds?: JobKind[]): Job[] {
    const rows = this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_until = NULL, updated_at = ?
           WHERE state = 'running' AND lease_until < ?`,
        )
        .run(now, now);
      return this.db
        .prepare(claimSql(kinds?.length))
        .all(owner, now + leaseMs, now, now, ...(kinds ?? []), limit) as JobRow[];
    })();
    return rows.sort((a, b) => b.priority - a.priority || a.id - b.id).map(toJob);
  }

  /** Extends a lease during long work (a large upload). */
  renew(id: number, owner: string, until: number): void {
    this.db.prepare(`UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ?`).run(until, id, owner);
  }

  /** Done: deleted, unless it was enqueued again meanwhile (then it runs once more). */
  complete(id: number, now: number): void {
    this.db.transaction(() => {
      const r = this.db
        .prepare(
          `UPDATE jobs SET state = 'queued', rerun = 0, attempts = 0, last_error = NULL, lease_owner = NULL,
             lease_until = NULL, run_after = ?, updated_at = ? WHERE id = ? AND rerun = 1`,
        )
        .run(now, now, id);
      if (r.changes === 0) this.db.prepare(`DELETE FROM jobs WHERE id = ?`).run(id);
    })();
  }

  /** Failed this time: queued again at `retryAt` with the error kept for status output. */
  fail(id: number, error: string, retryAt: number, now: number): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'queued', attempts = attempts + 1, last_error = ?, run_after = ?,
           rerun = 0, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?`,
      )
      .run(error, retryAt, now, id);
  }

  /** Queued jobs of `kind` waiting for a retry run now (a destination came back, or failed over). */
  retryNow(kind: JobKind, now: number): number {
    return this.db
      .prepare(`UPDATE jobs SET run_after = ? WHERE kind = ? AND state = 'queued' AND run_after > ?`)
      .run(now, kind, now).changes;
  }

  /** Puts every running job back in the queue: called at start-up by the single process owning the home. */
  releaseAll(now: number): number {
    return this.db
      .prepare(
        `UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_until = NULL, run_after = min(run_after, ?),
           updated_at = ? WHERE state = 'running'`,
      )
      .run(now, now).changes;
  }

  remove(kind: JobKind, subject: string): void {
    this.db
      .prepare(`DELETE FROM jobs WHERE kind = ? AND subject = ? AND state = 'queued'`)
      .run(kind, subject);
  }

  /**
   * Whether an upload other than `exceptId` is running or due by `now`: while one is, a finished
   * file's snapshot waits for more; once none is, it is written at once (uploads waiting for a retry
   * later do not hold it back).
   */
  uploadsUnderWay(exceptId: number, now: number): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM jobs WHERE kind = 'upload' AND id <> ?
             AND (state = 'running' OR (state = 'queued' AND run_after <= ?)) LIMIT 1`,
        )
        .get(exceptId, now) !== undefined
    );
  }

  /** When the next queued job becomes due, or null when the queue is empty. */
  nextDue(): number | null {
    const r = this.db.prepare(`SELECT min(run_after) AS t FROM jobs WHERE state = 'queued'`).get() as {
      t: number | null;
    };
    return r.t;
  }

  counts(): { queued: number; running: number; retrying: number } {
    const r = this.db
      .prepare(
        `SELECT sum(state = 'queued') AS queued, sum(state = 'running') AS running,
           sum(state = 'queued' AND attempts > 0) AS retrying FROM jobs`,
      )
      .get() as { queued: number | null; running: number | null; retrying: number | null };
    return { queued: r.queued ?? 0, running: r.running ?? 0, retrying: r.retrying ?? 0 };
  }

  failures(limit = 20): { kind: JobKind; subject: string; attempts: number; error: string }[] {
    return this.db
      .prepare(
        `SELECT kind, subject, attempts, last_error AS error FROM jobs WHERE last_error IS NOT NULL
         ORDER BY updated_at DESC LIMIT ?`,
      )
      .all(limit) as { kind: JobKind; subject: string; attempts: number; error: string }[];
  }

  /**
   * Weddings (null: the unassigned files) with uploads waiting in the queue. An upload job carries the
   * priority its wedding had when it was queued; these are the weddings whose jobs may need a new one.
   */
  weddingsWithQueuedUploads(): (number | null)[] {
    return (
      this.db
        .prepare(
          `SELECT DISTINCT f.wedding_id AS weddingId FROM jobs j JOIN files f ON f.id = CAST(j.subject AS INTEGER)
           WHERE j.kind = 'upload' AND j.state = 'queued'`,
        )
        .all() as { weddingId: number | null }[]
    ).map((r) => r.weddingId);
  }

  /**
   * Gives a wedding's waiting uploads its policy's priority now, so a wedding that stopped being
   * critical no longer runs before one that became critical since. Running jobs keep theirs.
   * Returns how many jobs changed.
   */
  setQueuedUploadPriority(weddingId: number | null, priority: number): number {
    return this.db
      .prepare(
        `UPDATE jobs SET priority = ? WHERE kind = 'upload' AND state = 'queued' AND priority <> ?
           AND subject IN (SELECT CAST(id AS TEXT) FROM files WHERE wedding_id IS ?)`,
      )
      .run(priority, priority, weddingId).changes;
  }
}
