import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { CryptoError, encryptedSize } from '../crypto/index.js';
import type { Digests, ObjectInfo, PutOptions, RehydrationOptions } from '../destinations/destination.js';
import { DestinationError, isNotFound } from '../destinations/errors.js';
import { ContentHasher, DigestTap, digestsMatch } from '../pipeline/digests.js';
import type { Repository } from './repository.js';

/** What the content of a file is: its SHA-256 (the object's name), MD5 when known, and size. */
export interface Content {
  sha256: string;
  md5: string | null;
  size: number;
}

/** Digests of the ciphertext sent to an encrypted repository, as the destination can confirm them. */
export type CiphertextDigests = { size: number; md5: string; sha256: string };

/**
 * How a copy is proven (docs/ARCHITECTURE.md, "Proving a copy"):
 * - staged in place (a plain local folder): the byte count of the written file, fsync'd and renamed;
 *   its bytes are the very buffers whose SHA-256 names it. The cold re-read is `verify`'s job.
 * - sent under its final name: the destination checked its own digest of what it stored (S3 ETag,
 *   GCS md5Hash, Azure Content-MD5, or a local file's hash) against the MD5 or SHA-256 of the
 *   content before `put` resolved; its size is then read back with `stat`.
 * - an existing object (found, not sent): size and the destination's digest, or for an encrypted
 *   repository a full read-back and decrypt when no digest of its ciphertext is on record.
 */
export type Proof =
  | { kind: 'staged' }
  | { kind: 'sent'; ciphertext?: CiphertextDigests }
  | { kind: 'existing'; recorded?: CiphertextDigests };

/** Sends a staging upload of a plain local repository (no encryption, renamed in place after). */
export function stage(repo: Repository, body: Readable, size: number, key: string): Promise<void> {
  return repo.dest.put(key, body, { size, temporary: true });
}

/** Gives a staged upload its content-addressed name; fails `integrity` when its size is not the content's. */
export async function commitStaged(repo: Repository, key: string, content: Content): Promise<void> {
  const finalKey = repo.objectKey(content.sha256);
  await repo.dest.promote(key, finalKey);
  await expectStoredSize(repo, finalKey, content.size);
}

/** Fails `integrity` unless the object at `key` has `size` bytes (a short write, a truncated put). */
async function expectStoredSize(repo: Repository, key: string, size: number): Promise<void> {
  const info = await repo.dest.stat(key);
  if (info.size !== size)
    throw new DestinationError('integrity', repo.name, `${key}: stored ${info.size} bytes, expected ${size}`);
}

/** Removes a staging upload that will not be committed. */
export function discardStaged(repo: Repository, key: string): Promise<void> {
  return repo.dest.remove(key).catch(() => undefined);
}

/**
 * Sends the content under its final name, once: plain, with the digest the destination must find
 * (so `put` fails rather than store other bytes), or encrypted with a fresh file key, returning the
 * digests of the ciphertext sent.
 */
export async function sendNamed(
  repo: Repository,
  body: Readable,
  content: Content,
  resume?: PutOptions['resume'],
): Promise<CiphertextDigests | undefined> {
  const key = repo.objectKey(content.sha256);
  if (repo.encrypted) {
    const enc = await repo.encryptStream();
    const tap = new DigestTap();
    // plaintext → encrypt → digests of the ciphertext → the destination; an error anywhere destroys
    // the whole chain, so the put fails rather than storing a partial object.
    pipeline(body, enc, tap, () => undefined);
    await repo.dest.put(key, tap, { size: encryptedSize(content.size) });
    return tap.finish();
  }
  const expect: Digests = content.md5 ? { md5: content.md5 } : { sha256: content.sha256 };
  await repo.dest.put(key, body, { size: content.size, expect, ...(resume ? { resume } : {}) });
  await expectStoredSize(repo, key, content.size);
  return undefined;
}

/**
 * Checks an object already stored (size and digest; see verifyEncrypted for an encrypted one).
 * Returns the ciphertext digests confirmed for an encrypted repository. Throws `not-found` when it
 * is not there and `integrity` when it is not the content.
 */
export async function checkStored(
  repo: Repository,
  content: Content,
  recorded?: CiphertextDigests,
): Promise<CiphertextDigests | undefined> {
  if (repo.encrypted) return verifyEncrypted(repo, content, recorded);
  const key = repo.objectKey(content.sha256);
  const info = await repo.dest.stat(key);
  if (info.size !== content.size)
    throw new DestinationError(
      'integrity',
      repo.name,
      `${key}: stored ${info.size} bytes, expected ${content.size}`,
    );
  const digest = await repo.dest.digest(key);
  if (!digestsMatch(digest, { sha256: content.sha256, md5: content.md5 }))
    throw new DestinationError('integrity', repo.name, `${key}: stored content does not match its checksum`);
  return undefined;
}

/**
 * Whether the destination holds a correct copy already: true (with the ciphertext digests confirmed,
 * for an encrypted one), or false when it is missing; a wrong copy is removed so it is sent again.
 */
export async function findExisting(
  repo: Repository,
  content: Content,
  recorded?: CiphertextDigests,
): Promise<{ found: false } | { found: true; ciphertext?: CiphertextDigests }> {
  try {
    const ciphertext = await checkStored(repo, content, recorded);
    return ciphertext ? { found: true, ciphertext } : { found: true };
  } catch (err) {
    if (isNotFound(err)) return { found: false };
    if (err instanceof DestinationError && err.kind === 'integrity') {
      await repo.dest.remove(repo.objectKey(content.sha256));
      return { found: false };
    }
    throw err;
  }
}

/** What the destination knows of the object holding `hash` (size, class, whether it is archived). */
export function statObject(repo: Repository, hash: string): Promise<ObjectInfo> {
  return repo.dest.stat(repo.objectKey(hash));
}

/** Reads the stored bytes of the object holding `hash` (a ciphertext in an encrypted repository). */
export function openObject(repo: Repository, hash: string): Promise<Readable> {
  return repo.dest.get(repo.objectKey(hash));
}

/** Asks for an archived object to be made readable (see Destination.requestRehydration). */
export function rehydrateObject(repo: Repository, hash: string, opts: RehydrationOptions): Promise<void> {
  return repo.dest.requestRehydration(repo.objectKey(hash), opts);
}

/**
 * Moves the object holding `hash` to `storageClass` on the server (no bytes sent again), then checks
 * that the destination reports that class and the same size. Fails with `integrity` when it does
 * not, so nothing is recorded on a server's word alone.
 */
export async function changeObjectClass(repo: Repository, hash: string, storageClass: string): Promise<void> {
  const key = repo.objectKey(hash);
  const before = await repo.dest.stat(key);
  await repo.dest.setStorageClass(key, storageClass);
  const after = await repo.dest.stat(key);
  if (after.size !== before.size || after.storageClass !== storageClass) {
    throw new DestinationError(
      'integrity',
      repo.name,
      `${key} was asked into ${storageClass}, but the destination now reports ` +
        `${after.storageClass ?? 'no class'} and ${after.size} bytes (was ${before.size})`,
    );
  }
}

/** Removes a damaged or unwanted object. */
export function removeObject(repo: Repository, hash: string): Promise<void> {
  return repo.dest.remove(repo.objectKey(hash));
}

/**
 * Verifies a replica in an encrypted repository. Its size must be `encryptedSize(size)` and the
 * destination's digest must match the ciphertext's recorded digests. With no record (a rebuilt
 * index, another computer's upload) or a record that no longer matches (the object was replaced,
 * e.g. by another computer using the same key), the object is read back and decrypted: it counts
 * only if its plaintext has the content's size and SHA-256; what was read becomes the new record.
 */
async function verifyEncrypted(
  repo: Repository,
  content: Content,
  recorded: CiphertextDigests | undefined,
): Promise<CiphertextDigests> {
  await repo.ready();
  const key = repo.objectKey(content.sha256);
  const info = await repo.dest.stat(key);
  const expectedSize = encryptedSize(content.size);
  if (info.size !== expectedSize) {
    throw new DestinationError(
      'integrity',
      repo.name,
      `${key}: stored ${info.size} bytes, expected ${expectedSize} (${content.size} bytes encrypted)`,
    );
  }
  if (recorded && digestsMatch(await repo.dest.digest(key), recorded)) return recorded;
  return readBackEncrypted(repo, key, content);
}

/** Checks the ciphertext just sent is what the destination stores (its digest). */
export async function confirmSent(repo: Repository, hash: string, sent: CiphertextDigests): Promise<void> {
  const key = repo.objectKey(hash);
  if (!digestsMatch(await repo.dest.digest(key), sent))
    throw new DestinationError('integrity', repo.name, `${key}: stored content does not match what was sent`);
}

/**
 * Downloads an encrypted object, decrypting it as it streams: the plaintext must be the content
 * (size and SHA-256). Returns the ciphertext's digests; a damaged or foreign object is `integrity`.
 */
async function readBackEncrypted(
  repo: Repository,
  key: string,
  content: Content,
): Promise<CiphertextDigests> {
  const sealed = new DigestTap();
  const plain = new ContentHasher();
  try {
    await pipelineAsync(
      await repo.dest.get(key),
      sealed,
      repo.decryptStream(),
      async (chunks: AsyncIterable<Buffer>) => {
        for await (const c of chunks) plain.update(c);
      },
    );
  } catch (err) {
    if (err instanceof CryptoError)
      throw new DestinationError('integrity', repo.name, `${key}: ${err.message}`);
    throw err;
  }
  const got = plain.finish();
  if (got.size !== content.size || got.sha256 !== content.sha256) {
    throw new DestinationError(
      'integrity',
      repo.name,
      `${key}: decrypts to other content than expected (${got.size} bytes, sha256 ${got.sha256.slice(0, 12)}…)`,
    );
  }
  return sealed.finish();
}
