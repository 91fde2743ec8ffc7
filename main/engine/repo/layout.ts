/**
 * Key layout of a Keepsake repository (docs/FORMAT.md is the reference; keep the two in step).
 *
 *   keepsake-repo.json                     format marker and version
 *   objects/<h0h1>/<sha256>                 one object per distinct file content, named by its SHA-256
 *   snapshots/<wedding-slug>/<id>.json      one manifest per wedding snapshot; <id> is its UTC time,
 *                                           then `_` and the id of the device that wrote it
 *   staging/<install-id>/<uuid>             uploads in progress, safe to delete when no backup runs
 *   devices/<install-id>.json               what each device stored here, for the studio view
 *
 * Encrypted repositories (format version 2, marker `encryption` set) differ only in names and bytes:
 *   keys/passphrase.age, keys/recovery.age  the repository key, under the passphrase / the recovery key
 *   objects/<n0n1>/<name>                   <name> = HMAC-SHA-256 of the content's SHA-256; age-encrypted
 *   snapshots/<folder>/<id>.json.age        <folder> = HMAC of the wedding slug; age-encrypted manifest
 *   devices/<install-id>.json.age           the device index, age-encrypted
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

/**
 * Snapshot id: the time as ISO 8601 UTC with `:` replaced by `-` (safe in every key and file name),
 * then `_` and the writing device's id, so devices sharing a repository never take each other's names
 * and name order is still time order. Ids written before devices existed are the time alone.
 */
export function snapshotId(ms: number, deviceId: string): string {
  return `${new Date(ms).toISOString().replaceAll(':', '-')}_${deviceId}`;
}

const SNAPSHOT_ID = /^(\d{4,}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d(?:\.\d+)?Z)(?:_([a-z0-9-]{8,64}))?$/;

/** The time (ISO 8601) and device of a snapshot id; device null for an id from before devices. */
export function parseSnapshotId(id: string): { createdAt: string; device: string | null } | null {
  const m = SNAPSHOT_ID.exec(id);
  return m ? { createdAt: `${m[1]}:${m[2]}:${m[3]}`, device: m[4] ?? null } : null;
}

/** The time part of a snapshot id, for ordering ids of several devices by time. */
export function snapshotTimePart(id: string): string {
  const cut = id.indexOf('_');
  return cut < 0 ? id : id.slice(0, cut);
}

export function manifestKey(weddingSlug: string, id: string): string {
  return `snapshots/${weddingSlug}/${id}.json`;
}

export function manifestPrefix(weddingSlug?: string): string {
  return weddingSlug ? `snapshots/${weddingSlug}/` : 'snapshots/';
}

export const DEVICES_PREFIX = 'devices/';

/** Key of a device's index: plain JSON, or age-encrypted in an encrypted repository. */
export function deviceIndexKey(deviceId: string, encrypted: boolean): string {
  if (!/^[a-z0-9-]{8,64}$/.test(deviceId)) throw new Error(`not a device id: ${deviceId}`);
  return `${DEVICES_PREFIX}${deviceId}.json${encrypted ? '.age' : ''}`;
}
