/**
 * Key layout of a Keepsake repository (docs/FORMAT.md is the reference; keep the two in step).
 *
 *   keepsake-repo.json                     format marker and version
 *   objects/<h0h1>/<sha256>                 one object per distinct file content, named by its SHA-256
 *   snapshots/<wedding-slug>/<id>.json      one manifest per wedding snapshot; <id> is its UTC time
 *   staging/<install-id>/<uuid>             uploads in progress, safe to delete when no backup runs
 */
export const MARKER_KEY = 'keepsake-repo.json';
export const FORMAT_VERSION = 1;

export function objectKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return `objects/${sha256.slice(0, 2)}/${sha256}`;
}

export function stagingPrefix(installId: string): string {
  return `staging/${installId}/`;
}

/** Snapshot id for a time: ISO 8601 UTC with `:` replaced by `-` (safe in every key and file name). */
export function snapshotId(ms: number): string {
  return new Date(ms).toISOString().replaceAll(':', '-');
}

export function snapshotTime(id: string): string {
  return id.replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3');
}

export function manifestKey(weddingSlug: string, id: string): string {
  return `snapshots/${weddingSlug}/${id}.json`;
}

export function manifestPrefix(weddingSlug?: string): string {
  return weddingSlug ? `snapshots/${weddingSlug}/` : 'snapshots/';
}
