/**
 * Key layout of a Keepsake repository (docs/FORMAT.md is the reference; keep the two in step).
 *
 *   keepsake-repo.json                     format marker and version
 *   objects/<h0h1>/<sha256>                 one object per distinct file content, named by its SHA-256
 *   snapshots/<wedding-slug>/<id>.json      one manifest per wedding snapshot; <id> is its UTC time
 *   staging/<install-id>/<uuid>             uploads in progress, safe to delete when no backup runs
 *
 * Encrypted repositories (format version 2, marker `encryption` set) differ only in names and bytes:
 *   keys/passphrase.age, keys/recovery.age  the repository key, under the passphrase / the recovery key
 *   objects/<n0n1>/<name>                   <name> = HMAC-SHA-256 of the content's SHA-256; age-encrypted
 *   snapshots/<folder>/<id>.json.age        <folder> = HMAC of the wedding slug; age-encrypted manifest
 */
export const MARKER_KEY = 'keepsake-repo.json';
/** Version written to plain repositories (unchanged, so every Keepsake keeps reading them). */
export const FORMAT_VERSION = 1;
/** Version written to encrypted repositories: a Keepsake that predates encryption refuses them. */
export const ENCRYPTED_FORMAT_VERSION = 2;
/** The highest version this Keepsake reads. */
export const MAX_FORMAT_VERSION = ENCRYPTED_FORMAT_VERSION;

export function objectKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return `objects/${sha256.slice(0, 2)}/${sha256}`;
}

/** Key of an encrypted object, from its keyed name (lower-case hex). */
export function encryptedObjectKey(name: string): string {
  if (!/^[0-9a-f]{64}$/.test(name)) throw new Error(`not an object name: ${name}`);
  return `objects/${name.slice(0, 2)}/${name}`;
}

/** Key of an encrypted manifest: the wedding's opaque folder, the snapshot id, `.json.age`. */
export function encryptedManifestKey(folder: string, id: string): string {
  return `snapshots/${folder}/${id}.json.age`;
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
