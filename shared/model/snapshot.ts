/**
 * One entry of a snapshot manifest (see docs/FORMAT.md). Paths are relative, `/`-separated and
 * never contain `..`; readers must still refuse entries that would escape the restore folder.
 */
export interface ManifestEntry {
  path: string;
  sha256: string;
  size: number;
  /** Object key, relative to the repository root, holding this file's content. */
  object: string;
  /** Modification time, ISO 8601 UTC. */
  mtime: string;
  /** Capture time from EXIF, ISO 8601 (as the camera wrote it, no zone if the camera wrote none), or null. */
  captureTime: string | null;
}

/** A snapshot manifest: the state of one wedding at one moment, at one destination. */
export interface Manifest {
  format: 'keepsake-snapshot';
  version: 1;
  wedding: { slug: string; couple: string; date: string | null };
  createdAt: string;
  /** The name of the device that wrote it (kept for readers that predate `device`). */
  host: string;
  /** The installation that wrote it: its stable id (also the end of the snapshot id) and its name. Absent in manifests from before devices. */
  device?: { id: string; name: string };
  files: ManifestEntry[];
}

export interface SnapshotRef {
  wedding: string;
  /** Snapshot id: the manifest's name, its time and device, e.g. `2026-06-15T10-22-31.123Z_5d0c3f0e-…`. */
  id: string;
  key: string;
  createdAt: string;
  /** Id of the device that wrote it, from the id; null for snapshots from before devices. */
  device: string | null;
}
