import type { Db } from './db.js';

export type ReplicaState = 'stored' | 'missing' | 'corrupt';

export interface Replica {
  hash: string;
  destination: string;
  state: ReplicaState;
  storedAt: number;
  verifiedAt: number | null;
}

/** Content objects (one per distinct SHA-256) and where each is stored. */
export class Objects {
  constructor(private readonly db: Db) {}

  /** Records a content object; `md5` is kept because most providers confirm uploads by MD5. */
  ensure(hash: string, size: number, md5: string | null, now: number): void {
    this.db
      .prepare(
        `INSERT INTO objects (hash, size, md5, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (hash) DO UPDATE SET md5 = coalesce(objects.md5, excluded.md5)`,
      )
      .run(hash, size, md5, now);
  }

  get(hash: string): { size: number; md5: string | null } | undefined {
    return this.db.prepare(`SELECT size, md5 FROM objects WHERE hash = ?`).get(hash) as
      { size: number; md5: string | null } | undefined;
  }

  /** True when some known content has exactly this size (a possible duplicate: hash before sending). */
  hasSize(size: number): boolean {
    return this.db.prepare(`SELECT 1 FROM objects WHERE size = ? LIMIT 1`).get(size) !== undefined;
  }

  markStored(hash: string, destination: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO replicas (hash, destination, state, stored_at, verified_at) VALUES (?, ?, 'stored', ?, ?)
         ON CONFLICT (hash, destination) DO UPDATE SET state = 'stored', stored_at = excluded.stored_at,
           verified_at = excluded.verified_at,
           -- a copy sent again (it was missing or damaged) is in the configured class again
           storage_class = CASE WHEN replicas.state = 'stored' THEN replicas.storage_class END,
           class_since = CASE WHEN replicas.state = 'stored' THEN replicas.class_since END`,
      )
      .run(hash, destination, now, now);
  }

  markVerified(hash: string, destination: string, now: number): void {
    this.db
      .prepare(`UPDATE replicas SET verified_at = ? WHERE hash = ? AND destination = ?`)
      .run(now, hash, destination);
  }

  markBad(hash: string, destination: string, state: 'missing' | 'corrupt', now: number): void {
    this.db
      .prepare(
        `INSERT INTO replicas (hash, destination, state, stored_at, verified_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (hash, destination) DO UPDATE SET state = excluded.state, verified_at = excluded.verified_at`,
      )
      .run(hash, destination, state, now, now);
  }

  /** Destinations holding a verified copy of `hash`. */
  /**
   * Every stored replica with its object's size, when it was stored, and the wedding it is attributed
   * to (the first live file's, assigned ones first): what the cost model reads, lazily.
   */
  storedReplicas(): Iterable<{
    destination: string;
    bytes: number;
    storedAtMs: number;
    weddingId: number | null;
    storageClass?: string;
  }> {
    return this.db
      .prepare(
        `SELECT r.destination AS destination, o.size AS bytes, coalesce(r.class_since, r.stored_at) AS storedAtMs,
           r.storage_class AS storageClass,
           (SELECT f.wedding_id FROM files f WHERE f.hash = r.hash
             ORDER BY f.wedding_id IS NULL, f.id LIMIT 1) AS weddingId
         FROM replicas r JOIN objects o ON o.hash = r.hash
         WHERE r.state = 'stored'`,
      )
      .iterate() as Iterable<{
      destination: string;
      bytes: number;
      storedAtMs: number;
      weddingId: number | null;
      storageClass?: string;
    }>;
  }

  /**
   * The stored copies at `destination` used only by files of `weddingId` (content shared with another
   * wedding is left where it is: that wedding may be hot), with the class each is in now.
   */
  exclusiveCopies(weddingId: number, destination: string): { hash: string; storageClass: string | null }[] {
    return this.db
      .prepare(
        `SELECT r.hash AS hash, r.storage_class AS storageClass FROM replicas r
         WHERE r.destination = ? AND r.state = 'stored'
           AND EXISTS (SELECT 1 FROM files f WHERE f.hash = r.hash AND f.wedding_id = ?)
           AND NOT EXISTS (SELECT 1 FROM files f WHERE f.hash = r.hash AND f.wedding_id IS NOT ?)`,
      )
      .all(destination, weddingId, weddingId) as { hash: string; storageClass: string | null }[];
  }

  /** Records that the copy of `hash` at `destination` is now in `storageClass` (the optimizer moved it). */
  setReplicaClass(hash: string, destination: string, storageClass: string, now: number): void {
    this.db
      .prepare(`UPDATE replicas SET storage_class = ?, class_since = ? WHERE hash = ? AND destination = ?`)
      .run(storageClass, now, hash, destination);
  }

  /** How many objects are stored at a destination. */
  storedCount(destination: string): number {
    return (
      this.db
        .prepare(`SELECT count(*) AS n FROM replicas WHERE destination = ? AND state = 'stored'`)
        .get(destination) as { n: number }
    ).n;
  }

  storedAt(hash: string): string[] {
    return (
      this.db.prepare(`SELECT destination FROM replicas WHERE hash = ? AND state = 'stored'`).all(hash) as {
        destination: string;
      }[]
    ).map((r) => r.destination);
  }

  /** Stored replicas at a destination, optionally a random sample of `percent` of them. */
  replicasAt(destination: string, percent = 100): { hash: string; size: number }[] {
    const all = this.db
      .prepare(
        `SELECT r.hash, o.size FROM replicas r JOIN objects o ON o.hash = r.hash
         WHERE r.destination = ? AND r.state IN ('stored', 'corrupt', 'missing') ORDER BY r.hash`,
      )
      .all(destination) as { hash: string; size: number }[];
    return percent >= 100 ? all : all.filter(() => Math.random() * 100 < percent);
  }
}
