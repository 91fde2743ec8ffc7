import { createReadStream } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { pipeline, type Transform } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import type { Clock } from '../clock.js';
import { CryptoError, encryptedSize } from '../crypto/index.js';
import { DestinationError, errorKind, isNotFound } from '../destinations/errors.js';
import type { Repository } from '../repo/repository.js';
import type { FileStat, IndexedFile } from '../store/files.js';
import type { Store } from '../store/store.js';
import { Ciphertexts, type CiphertextDigests } from './ciphertexts.js';
import { ContentHasher, DigestTap, digestsMatch } from './digests.js';
import { branch, fanOut } from './fanout.js';

/** What the backup of one file needs from the engine. */
export interface BackupContext {
  store: Store;
  clock: Clock;
  /** Enabled destinations, each as a repository (already wrapped with retry and throttling). */
  repos: Repository[];
  /**
   * Placement of this file's content: the names of the destinations to send it to now (targets
   * without a stored copy). `hash` is null while the content is not known yet.
   */
  plan: (hash: string | null, size: number) => string[];
  /** Whether the stored copies of the content meet the file's policy now, and if not, why. */
  coverage: (hash: string) => { met: true } | { met: false; why: string };
  /** Called with every chunk size read from disk, for progress and read accounting. */
  onRead?: (bytes: number) => void;
}

export type BackupOutcome =
  | { kind: 'protected' }
  /** Fewer stored copies than the target; `errors` says why. The job is retried. */
  | { kind: 'incomplete'; errors: Error[] }
  /** The file changed while it was read: nothing was recorded, the job runs again. */
  | { kind: 'changed' }
  | { kind: 'vanished' }
  | { kind: 'skipped'; reason: string }
  /** The file cannot be read (permissions, I/O error); the reason is recorded. */
  | { kind: 'unreadable'; reason: string };

const statOf = (s: {
  size: number;
  mtimeMs: number;
  ino: number | bigint;
  dev: number | bigint;
}): FileStat => ({
  size: s.size,
  mtimeMs: Math.trunc(s.mtimeMs),
  ino: String(s.ino),
  dev: String(s.dev),
});

const sameStat = (a: FileStat, b: FileStat) =>
  a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.dev === b.dev;

function readError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM')
    return 'cannot read the file: permission denied (check its owner and permissions)';
  if (code === 'EIO') return 'cannot read the file: input/output error (is the card or disk failing?)';
  return `cannot read the file: ${(err as Error).message}`;
}

/**
 * Backs up one file to every repository that lacks its content, reading it from disk once: the same
 * chunks feed the hashers and an upload to each destination under a staging key; once the SHA-256 is
 * known each upload is promoted to its content-addressed name and checked (size and digest) before the
 * copy counts. A rename, a move or a duplicate import sends nothing: known content is recognised by
 * inode or, when another object of the same size exists, by hashing before sending.
 */
export async function backupFile(ctx: BackupContext, file: IndexedFile): Promise<BackupOutcome> {
  const { store, clock } = ctx;
  let info;
  try {
    info = await lstat(file.path);
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === 'ENOENT' ||
      (err as NodeJS.ErrnoException).code === 'ENOTDIR'
    ) {
      store.files.markDeleted(file.path, clock.now());
      return { kind: 'vanished' };
    }
    return { kind: 'unreadable', reason: readError(err) };
  }
  if (info.isSymbolicLink())
    return {
      kind: 'skipped',
      reason: 'symbolic link: not followed (back up the folder it points to instead)',
    };
  if (!info.isFile()) return { kind: 'skipped', reason: 'not a regular file' };
  const stat = statOf(info);
  const now = clock.now();
  const current = store.files.seen(
    { path: file.path, folderId: file.folderId, weddingId: file.weddingId, relPath: file.relPath, stat },
    now,
  ).file;

  let hash = current.hashCurrent ? current.hash : null;
  if (!hash) {
    const moved = store.files.movedFrom(stat, file.path);
    if (moved?.hash) {
      hash = moved.hash;
      store.files.setHash(current.id, hash, stat, now);
    }
  }
  if (!hash && store.objects.hasSize(stat.size)) {
    // Possibly a duplicate import: hash it first so known content is not sent again.
    const pre = await hashFile(ctx, file.path, stat);
    if (pre.kind !== 'ok') return pre.outcome;
    store.tx(() => {
      store.objects.ensure(pre.sha256, stat.size, pre.md5, clock.now());
      store.files.setHash(current.id, pre.sha256, stat, clock.now());
    });
    hash = pre.sha256;
  }

  const errors: Error[] = [];
  const wanted = new Set(ctx.plan(hash, stat.size));
  let targets = ctx.repos.filter((r) => wanted.has(r.name));
  if (hash) {
    // The object may already be at a destination the index does not know of (a rebuilt index, another laptop).
    const known = store.objects.get(hash);
    const found = await Promise.all(
      targets.map((r) =>
        adoptExisting(ctx, r, hash!, stat.size, known?.md5 ?? null).catch((err: unknown) => {
          errors.push(err as Error);
          return 'unreachable' as const;
        }),
      ),
    );
    targets = targets.filter((_, i) => found[i] === false);
  }
  if (targets.length > 0) {
    const sent = await sendOnce(ctx, file.path, stat, hash, targets);
    if (sent.kind !== 'ok') return sent.outcome;
    errors.push(...sent.errors);
  }
  return settle(ctx, current.id, errors);
}

/** Whether this file's stored copies now meet its policy: protected, or incomplete with the reasons. */
function settle(ctx: BackupContext, fileId: number, errors: Error[]): BackupOutcome {
  const file = ctx.store.files.byId(fileId);
  const coverage = file?.hash ? ctx.coverage(file.hash) : { met: false as const, why: 'not stored yet' };
  if (coverage.met) return { kind: 'protected' };
  if (errors.length === 0) errors.push(new Error(coverage.why));
  return { kind: 'incomplete', errors };
}

type Sent = { kind: 'ok'; errors: Error[] } | { kind: 'stop'; outcome: BackupOutcome };

/** The single read: hashes and uploads to every target at once, then names, verifies and records. */
async function sendOnce(
  ctx: BackupContext,
  path: string,
  stat: FileStat,
  knownHash: string | null,
  targets: Repository[],
): Promise<Sent> {
  const { store, clock } = ctx;
  // An encrypted destination gets its own encrypt stream (a fresh file key); one whose key cannot be
  // loaded is left out of this read, with the reason.
  const errors: Error[] = [];
  const ready: { repo: Repository; enc?: Transform }[] = [];
  for (const repo of targets) {
    if (!repo.encrypted) ready.push({ repo });
    else {
      try {
        ready.push({ repo, enc: await repo.encryptStream() });
      } catch (err) {
        errors.push(err as Error);
      }
    }
  }
  if (ready.length === 0) return { kind: 'ok', errors };
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      store.files.markDeleted(path, clock.now());
      return { kind: 'stop', outcome: { kind: 'vanished' } };
    }
    return { kind: 'stop', outcome: { kind: 'unreadable', reason: readError(err) } };
  }
  // A large upload cut short earlier (a restart, a dropped line) continues under its staging key.
  // Encrypted uploads never resume: each encryption has a fresh file key, so a second attempt cannot
  // reproduce the bytes already stored; they start over.
  const staged = ready.map(({ repo, enc }) => {
    const prior = enc ? undefined : store.uploads.find(path, repo.name, stat);
    return {
      repo,
      enc,
      sent: enc ? new DigestTap() : undefined,
      key: prior?.stagingKey ?? repo.newStagingKey(),
      token: prior?.token ?? undefined,
    };
  });
  const discard = (repo: Repository, key: string) => {
    store.uploads.done(path, repo.name);
    return repo.dest.remove(key).catch(() => undefined);
  };
  const branches = staged.map(({ repo, key, token, enc, sent }) =>
    branch((body) => {
      if (enc && sent) {
        // plaintext → encrypt → digests of the ciphertext → the destination; an error anywhere
        // destroys the whole chain, so the put fails rather than storing a partial object.
        pipeline(body, enc, sent, () => undefined);
        return repo.dest.put(key, sent, { size: encryptedSize(stat.size), temporary: true });
      }
      return repo.dest.put(key, body, {
        size: stat.size,
        temporary: true,
        resume: {
          ...(token ? { token } : {}),
          onCheckpoint: (t) => store.uploads.save(path, repo.name, stat, key, t, clock.now()),
        },
      });
    }),
  );
  const hasher = new ContentHasher();
  try {
    const source = createReadStream(path, { fd: handle, highWaterMark: 1024 * 1024, autoClose: false });
    await fanOut(source, branches, (chunk) => {
      hasher.update(chunk);
      ctx.onRead?.(chunk.length);
    });
  } catch (err) {
    await Promise.all(staged.map(({ repo, key }) => discard(repo, key)));
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { kind: 'stop', outcome: { kind: 'vanished' } };
    return { kind: 'stop', outcome: { kind: 'unreadable', reason: readError(err) } };
  } finally {
    await handle.close().catch(() => undefined);
  }
  const content = hasher.finish();
  const after = await lstat(path).then(statOf, () => undefined);
  if (
    !after ||
    !sameStat(after, stat) ||
    content.size !== stat.size ||
    (knownHash && knownHash !== content.sha256)
  ) {
    // Changed (or vanished) while read: discard everything sent and try again from scratch.
    await Promise.all(staged.map(({ repo, key }) => discard(repo, key)));
    if (!after) {
      store.files.markDeleted(path, clock.now());
      return { kind: 'stop', outcome: { kind: 'vanished' } };
    }
    return { kind: 'stop', outcome: { kind: 'changed' } };
  }
  const file = store.files.byPath(path)!;
  store.tx(() => {
    store.objects.ensure(content.sha256, content.size, content.md5, clock.now());
    store.files.setHash(file.id, content.sha256, stat, clock.now());
  });
  await Promise.all(
    staged.map(async ({ repo, key, enc, sent }, i) => {
      const failed = branches[i]!.error;
      if (failed !== undefined) {
        errors.push(failed as Error);
        // A connection that dropped keeps its resumable upload for the next try; anything else starts over.
        if (enc || !['unavailable', 'transient', 'throttled'].includes(errorKind(failed)))
          await discard(repo, key);
        return;
      }
      try {
        await placeAndVerify(ctx, repo, key, content, sent?.finish());
        store.uploads.done(path, repo.name);
      } catch (err) {
        errors.push(err as Error);
        await discard(repo, key);
      }
    }),
  );
  return { kind: 'ok', errors };
}

/**
 * Promotes a staged upload to the object's name (keeping an existing good copy) and verifies it.
 * `sent`: for an encrypted repository, the size and digests of the ciphertext that was sent.
 */
async function placeAndVerify(
  ctx: BackupContext,
  repo: Repository,
  stagingKey: string,
  content: { sha256: string; md5: string; size: number },
  sent?: CiphertextDigests,
): Promise<void> {
  const finalKey = repo.objectKey(content.sha256);
  if (await adoptExisting(ctx, repo, content.sha256, content.size, content.md5)) {
    await repo.dest.remove(stagingKey);
    return;
  }
  await repo.dest.promote(stagingKey, finalKey);
  await verifyStored(ctx, repo, content.sha256, content.size, content.md5, sent);
}

/**
 * If the destination already holds a correct copy of `hash`, records it and returns true. A copy with
 * the wrong size or digest is removed so it is sent again.
 */
async function adoptExisting(
  ctx: BackupContext,
  repo: Repository,
  hash: string,
  size: number,
  md5: string | null,
): Promise<boolean> {
  try {
    await verifyStored(ctx, repo, hash, size, md5);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    if (err instanceof DestinationError && err.kind === 'integrity') {
      await repo.dest.remove(repo.objectKey(hash));
      return false;
    }
    throw err;
  }
}

/**
 * Checks size and digest of the stored object; only then is the replica recorded as stored.
 * In an encrypted repository the stored bytes are a ciphertext: see verifyEncrypted.
 */
export async function verifyStored(
  ctx: Pick<BackupContext, 'store' | 'clock'>,
  repo: Repository,
  hash: string,
  size: number,
  md5: string | null,
  sent?: CiphertextDigests,
): Promise<void> {
  if (repo.encrypted) return verifyEncrypted(ctx, repo, hash, size, sent);
  const key = repo.objectKey(hash);
  const info = await repo.dest.stat(key);
  if (info.size !== size) {
    throw new DestinationError('integrity', repo.name, `${key}: stored ${info.size} bytes, expected ${size}`);
  }
  const digest = await repo.dest.digest(key);
  if (!digestsMatch(digest, { sha256: hash, md5 })) {
    throw new DestinationError('integrity', repo.name, `${key}: stored content does not match its checksum`);
  }
  ctx.store.objects.markStored(hash, repo.name, ctx.clock.now());
}

/**
 * Verifies a replica in an encrypted repository. Its size must be `encryptedSize(size)` and the
 * destination's digest must match the ciphertext's: `sent` (just uploaded), else the digests recorded
 * when it was sent (schema 4). With no record (a rebuilt index, another computer's upload) or a
 * recorded digest that no longer matches (the object was replaced, e.g. by another computer using the
 * same key), the object is read back and decrypted: it counts only if its plaintext has the content's
 * size and SHA-256, and what was read becomes the new record.
 */
async function verifyEncrypted(
  ctx: Pick<BackupContext, 'store' | 'clock'>,
  repo: Repository,
  hash: string,
  size: number,
  sent: CiphertextDigests | undefined,
): Promise<void> {
  await repo.ready();
  const key = repo.objectKey(hash);
  const ciphertexts = new Ciphertexts(ctx.store);
  const info = await repo.dest.stat(key);
  const expectedSize = encryptedSize(size);
  if (info.size !== expectedSize) {
    throw new DestinationError(
      'integrity',
      repo.name,
      `${key}: stored ${info.size} bytes, expected ${expectedSize} (${size} bytes encrypted)`,
    );
  }
  let confirmed = sent ?? ciphertexts.get(hash, repo.name);
  if (confirmed && !digestsMatch(await repo.dest.digest(key), confirmed)) {
    if (sent) {
      throw new DestinationError(
        'integrity',
        repo.name,
        `${key}: stored content does not match what was sent`,
      );
    }
    confirmed = undefined;
  }
  if (!confirmed) confirmed = await readBackEncrypted(repo, key, hash, size);
  const now = ctx.clock.now();
  ctx.store.tx(() => {
    ciphertexts.record(hash, repo.name, confirmed, now);
    ctx.store.objects.markStored(hash, repo.name, now);
  });
}

/**
 * Downloads an encrypted object, decrypting it as it streams: the plaintext must be `size` bytes with
 * SHA-256 `hash`. Returns the ciphertext's digests; a damaged or foreign object is an `integrity` error.
 */
async function readBackEncrypted(
  repo: Repository,
  key: string,
  hash: string,
  size: number,
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
  if (got.size !== size || got.sha256 !== hash) {
    throw new DestinationError(
      'integrity',
      repo.name,
      `${key}: decrypts to other content than expected (${got.size} bytes, sha256 ${got.sha256.slice(0, 12)}…)`,
    );
  }
  return sealed.finish();
}

type Hashed = { kind: 'ok'; sha256: string; md5: string } | { kind: 'stop'; outcome: BackupOutcome };

/** Reads a file only to hash it (duplicate check), making sure it did not change meanwhile. */
async function hashFile(ctx: BackupContext, path: string, stat: FileStat): Promise<Hashed> {
  const hasher = new ContentHasher();
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
      hasher.update(chunk as Buffer);
      ctx.onRead?.((chunk as Buffer).length);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      ctx.store.files.markDeleted(path, ctx.clock.now());
      return { kind: 'stop', outcome: { kind: 'vanished' } };
    }
    return { kind: 'stop', outcome: { kind: 'unreadable', reason: readError(err) } };
  }
  const after = await lstat(path).then(statOf, () => undefined);
  const content = hasher.finish();
  if (!after || !sameStat(after, stat) || content.size !== stat.size)
    return { kind: 'stop', outcome: { kind: 'changed' } };
  return { kind: 'ok', sha256: content.sha256, md5: content.md5 };
}
