import type { Readable } from 'node:stream';

/** What a destination knows about one stored object. */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Last modification as milliseconds since the epoch. */
  modifiedMs: number;
  /** Storage class as the provider names it (`STANDARD`, `Cool`, ...), when the provider has classes. */
  storageClass?: string;
  /** True when the object must be rehydrated before `get` can read it (S3 Glacier, Azure Archive). */
  archived?: boolean;
}

/** Digests of stored bytes, as the destination can confirm them (lower-case hex). */
export interface Digests {
  sha256?: string;
  md5?: string;
}

export interface PutOptions {
  /** Exact number of bytes the body will yield. A body of another length is an `integrity` error. */
  size: number;
  /** Expected digests when known before sending; a destination that can check them server-side does. */
  expect?: Digests;
  /** Storage class for this object, when the destination has classes. */
  storageClass?: string;
  /**
   * A staging upload that will be promoted or removed within minutes: stored in the provider's class
   * without minimum storage duration or retrieval delay (S3 STANDARD, GCS STANDARD, Azure Hot), so no
   * early-deletion charge applies. `promote` then gives the object the destination's configured class.
   */
  temporary?: boolean;
  /**
   * Resumable uploads (large objects on S3 and Azure). `onCheckpoint` receives an opaque token after
   * each durable part; passing it back as `token`, with the same key and a body that yields the same
   * bytes from the start, continues that upload: the bytes already stored are read from the body and
   * checked, not sent again. A token that no longer fits (expired, other bytes) is ignored and the
   * upload starts over. Destinations without resumable uploads ignore both.
   */
  resume?: { token?: string; onCheckpoint(token: string): void };
  signal?: AbortSignal;
}

/** How fast an archived object should be made readable; slower is cheaper. */
export interface RehydrationOptions {
  /** `fast`: minutes to an hour (S3 Expedited, Azure High); `standard`: hours; `bulk`: cheapest, up to two days. */
  speed: 'fast' | 'standard' | 'bulk';
  /** How many days a restored copy stays readable (S3 only; Azure moves the object to an online tier). */
  days: number;
}

export interface ByteRange {
  offset: number;
  /** Number of bytes; reads to the end when omitted. */
  length?: number;
}

/**
 * A place that stores objects by key: a local folder, a bucket, a container.
 *
 * Keys are `/`-separated relative names made of `[A-Za-z0-9._-]` segments (never `..`).
 *
 * Guarantees every implementation gives, checked by the conformance suite (testing/conformance.ts):
 * - `put` is atomic: a reader sees either nothing or the whole object under `key`, never part of it.
 *   If the body yields a different number of bytes than `size`, or a digest in `expect` does not match,
 *   `put` fails with kind `integrity` and nothing is left under `key`. Overwriting replaces atomically.
 * - `stat`, `get` and `digest` of a missing key fail with a DestinationError of kind `not-found`.
 *   `remove` of a missing key succeeds (idempotent).
 * - `list(prefix)` yields every object whose key starts with `prefix` exactly once, in no set order,
 *   paging through however many objects there are. Objects still being written are never listed.
 * - Every failure is a DestinationError whose kind says what to do (see errors.ts): `auth`,
 *   `permission`, `missing-container`, `not-found` and `permanent` will not succeed if repeated;
 *   `unavailable`, `throttled`, `transient`, `integrity` and `full` may.
 * - No message contains credentials.
 * Retrying, throttling and bandwidth limits are wrappers (wrap/), not part of any implementation.
 */
export interface Destination {
  /** The user's name for this destination; prefixes every error message. */
  readonly name: string;
  /** Stores `body` under `key`; resolves once the object is durable and complete. */
  put(key: string, body: Readable, opts: PutOptions): Promise<void>;
  /** Reads an object, or a range of it. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<ObjectInfo>;
  /**
   * Digests of what is stored under `key`, from the storage itself where the provider computes them
   * (ETag/Content-MD5), or by reading the object back where it is cheap (a local disk). At least one
   * digest is returned.
   */
  digest(key: string): Promise<Digests>;
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /**
   * Makes the object stored under `from` visible under `to`, atomically as `put` does, then removes
   * `from`. The pipeline sends a file once under a staging key and names it by its content hash here.
   * The object under `to` gets the destination's configured storage class.
   * Fails with `not-found` when `from` does not exist.
   */
  promote(from: string, to: string): Promise<void>;
  remove(key: string): Promise<void>;
  /**
   * Asks the provider to make an archived object readable again (S3 RestoreObject for GLACIER and
   * DEEP_ARCHIVE, an Azure tier change from Archive). Resolves once the request is accepted, also when
   * one is already under way; `stat(key).archived` turns false when the object can be read. A no-op
   * for objects that are not archived and for providers without archive classes.
   */
  requestRehydration(key: string, opts: RehydrationOptions): Promise<void>;
  /**
   * Moves the object under `key` to `storageClass` on the server, without sending its bytes again
   * (S3: a copy onto itself in the new class; GCS: a rewrite; Azure: Set Blob Tier). Resolves once the
   * provider has done it; `stat(key).storageClass` then names the new class (the caller checks). Fails
   * with `permanent` where the destination has no such class (a local folder has none).
   */
  setStorageClass(key: string, storageClass: string): Promise<void>;
  /**
   * Checks that the destination is reachable and is (or can become) a Keepsake repository, without
   * writing anything. Fails with the same error kinds as the other calls.
   */
  check(): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
