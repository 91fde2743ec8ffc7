import type { Db } from './db.js';

export interface SnapshotRow {
  weddingId: number | null;
  destination: string;
  snapshotId: string;
  manifestKey: string;
  manifestSha256: string;
  fingerprint: string;
  files: number;
  bytes: number;
  createdAt: number;
}

/** Snapshot manifests written to destinations; the manifests themselves stay the source of truth. */
export class Snapshots {
  constructor(private readonly db: Db) {}

  record(s: SnapshotRow): void {
    this.db
      .prepare(
        `INSERT INTO snapshots (wedding_id, destination, snapshot_id, manifest_key, manifest_sha256, fingerprint, files, bytes, created_at)
         VALUES (@weddingId, @destination, @snapshotId, @manifestKey, @manifestSha256, @fingerprint, @files, @bytes, @createdAt)
         ON CONFLICT (destination, manifest_key) DO NOTHING`,
      )
      .run(s);
  }

  /**
   * Records the snapshot and which file versions its manifest names, replacing what the previous
   * manifest of the wedding at that destination named (one transaction).
   */
  recordWithFiles(s: SnapshotRow, files: readonly { fileId: number; hash: string }[]): void {
    this.db.transaction(() => {
      this.record(s);
      this.db
        .prepare(
          `DELETE FROM manifested WHERE destination = ? AND file_id IN (SELECT id FROM files WHERE wedding_id IS ?)`,
        )
        .run(s.destination, s.weddingId);
      const add = this.db.prepare(
        `INSERT OR REPLACE INTO manifested (destination, file_id, hash) VALUES (?, ?, ?)`,
      );
      for (const f of files) add.run(s.destination, f.fileId, f.hash);
    })();
  }

  /**
   * Forgets what a wedding's manifests at a destination name (its manifest there is damaged or
   * missing): its files are not restorable from there until a new manifest is written.
   */
  forgetManifested(weddingId: number | null, destination: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `DELETE FROM manifested WHERE destination = ? AND file_id IN (SELECT id FROM files WHERE wedding_id IS ?)`,
        )
        .run(destination, weddingId);
      // The next snapshot must be written even when nothing changed since the damaged one.
      this.db
        .prepare(`UPDATE snapshots SET fingerprint = '' WHERE wedding_id IS ? AND destination = ?`)
        .run(weddingId, destination);
    })();
  }

  /**
   * Weddings (null: the unassigned files) with a live file whose content is stored somewhere but
   * not named in a manifest there: snapshots still to write.
   */
  weddingsAwaitingManifest(): (number | null)[] {
    return (
      this.db
        .prepare(
          `SELECT DISTINCT f.wedding_id AS w FROM files f
           JOIN replicas r ON r.hash = f.hash AND r.state = 'stored'
           WHERE f.state IN ('pending', 'failed', 'protected')
             AND NOT EXISTS (SELECT 1 FROM manifested m
                             WHERE m.destination = r.destination AND m.file_id = f.id AND m.hash = f.hash)`,
        )
        .all() as { w: number | null }[]
    ).map((r) => r.w);
  }

  latest(weddingId: number | null, destination: string): SnapshotRow | undefined {
    return this.db
      .prepare(
        `SELECT wedding_id AS weddingId, destination, snapshot_id AS snapshotId, manifest_key AS manifestKey,
           manifest_sha256 AS manifestSha256, fingerprint, files, bytes, created_at AS createdAt
         FROM snapshots WHERE wedding_id IS ? AND destination = ? ORDER BY created_at DESC, id DESC LIMIT 1`,
      )
      .get(weddingId, destination) as SnapshotRow | undefined;
  }

  /** The recorded SHA-256 of a manifest, to detect a manifest changed in the vault behind our back. */
  manifestHash(destination: string, manifestKey: string): string | undefined {
    return (
      this.db
        .prepare(`SELECT manifest_sha256 AS h FROM snapshots WHERE destination = ? AND manifest_key = ?`)
        .get(destination, manifestKey) as { h: string } | undefined
    )?.h;
  }

  /** Every snapshot recorded for a destination, to re-check the manifests there. */
  forDestination(destination: string): SnapshotRow[] {
    return this.db
      .prepare(
        `SELECT wedding_id AS weddingId, destination, snapshot_id AS snapshotId, manifest_key AS manifestKey,
           manifest_sha256 AS manifestSha256, fingerprint, files, bytes, created_at AS createdAt
         FROM snapshots WHERE destination = ? ORDER BY created_at`,
      )
      .all(destination) as SnapshotRow[];
  }

  /** The newest snapshot of each wedding on a destination (what this device's index lists there). */
  newestOfEachWedding(destination: string): SnapshotRow[] {
    return this.db
      .prepare(
        `SELECT wedding_id AS weddingId, destination, snapshot_id AS snapshotId, manifest_key AS manifestKey,
           manifest_sha256 AS manifestSha256, fingerprint, files, bytes, created_at AS createdAt
         FROM snapshots s WHERE destination = ? AND id = (
           SELECT t.id FROM snapshots t WHERE t.destination = s.destination AND t.wedding_id IS s.wedding_id
           ORDER BY t.created_at DESC, t.id DESC LIMIT 1)
         ORDER BY wedding_id`,
      )
      .all(destination) as SnapshotRow[];
  }

  /** The destinations holding a snapshot of a wedding. */
  destinationsOf(weddingId: number | null): string[] {
    return (
      this.db
        .prepare(`SELECT DISTINCT destination AS d FROM snapshots WHERE wedding_id IS ? ORDER BY destination`)
        .all(weddingId) as { d: string }[]
    ).map((r) => r.d);
  }
}
