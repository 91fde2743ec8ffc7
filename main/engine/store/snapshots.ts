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
}
