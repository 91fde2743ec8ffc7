import type { Store } from '../store/store.js';

/**
 * Weddings (null: the unassigned files) with uploads waiting in the queue. An upload job carries the
 * priority its wedding had when it was queued; these are the weddings whose jobs may need a new one.
 */
export function weddingsWithQueuedUploads(store: Store): (number | null)[] {
  return (
    store.db
      .prepare(
        `SELECT DISTINCT f.wedding_id AS weddingId FROM jobs j JOIN files f ON f.id = CAST(j.subject AS INTEGER)
         WHERE j.kind = 'upload' AND j.state = 'queued'`,
      )
      .all() as { weddingId: number | null }[]
  ).map((r) => r.weddingId);
}

/**
 * Gives a wedding's waiting uploads its policy's priority now, so a wedding that stopped being
 * critical (files seen yesterday, not today) no longer runs before one that became critical since.
 * Running jobs keep theirs. Returns how many jobs changed.
 */
export function setQueuedUploadPriority(store: Store, weddingId: number | null, priority: number): number {
  return store.db
    .prepare(
      `UPDATE jobs SET priority = ? WHERE kind = 'upload' AND state = 'queued' AND priority <> ?
         AND subject IN (SELECT CAST(id AS TEXT) FROM files WHERE wedding_id IS ?)`,
    )
    .run(priority, priority, weddingId).changes;
}
