import { createReadStream } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Clock } from '../clock.js';
import { errorKind } from '../destinations/errors.js';
import {
  checkStored,
  commitStaged,
  confirmSent,
  discardStaged,
  findExisting,
  removeObject,
  sendNamed,
  stage,
  type CiphertextDigests,
  type Content,
} from '../repo/objects.js';
import type { Repository } from '../repo/repository.js';
import type { FileStat, IndexedFile } from '../store/files.js';
import type { Store } from '../store/store.js';
import { branch, fanOut, type Branch } from './fanout.js';
import { HashPool, type HashAlgorithm } from './hash-pool.js';

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
  /**
   * Whether an upload may go to a destination now, or the error saying why it waits (a destination
   * whose writes keep failing is paused: the file is not read for it). Absent: always.
   */
  admit?: (destination: string) => Error | undefined;
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
  // Content not known yet (a new file, or a duplicate import of one backed up already) is hashed on
  // its one read while local copies are written: a duplicate then costs a discarded staging copy,
  // not a second read of every file that has the size of one already stored.

  const errors: Error[] = [];
  const wanted = new Set(ctx.plan(hash, stat.size));
  let targets = ctx.repos.filter((r) => {
    if (!wanted.has(r.name)) return false;
    const waits = ctx.admit?.(r.name);
    if (waits) errors.push(waits);
    return !waits;
  });
  if (hash) {
    // The object may already be at a destination the index does not know of (a rebuilt index, another laptop).
    const known: Content = { sha256: hash, md5: store.objects.get(hash)?.md5 ?? null, size: stat.size };
    targets = await notHolding(ctx, targets, known, errors);
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

/** Files up to this size are read whole in one read: no stream, no buffer larger than the file. */
const SMALL_FILE = 1024 * 1024;
/** Read size for larger files: few syscalls, and chunks the hashing worker takes in one message. */
const READ_CHUNK = 4 * 1024 * 1024;

/** The hashing worker shared by every backup of this process. */
export const hashPool = new HashPool();

/**
 * Sends the file to every target, reading it from disk once per pass and hashing it once:
 * - pass 1 (when the hash is unknown, or a target renames in place): one read feeds the hash (in the
 *   worker) and a staging upload to every plain local folder, each renamed to its content's name;
 * - pass 2 (clouds and encrypted repositories, which need the final name before sending): one read,
 *   from the page cache right after pass 1, sends the object under its final name, where the
 *   destination proves what it stored against the MD5 or SHA-256 of pass 1.
 * Local folders never wait for a cloud: their copies are committed before pass 2 starts.
 */
async function sendOnce(
  ctx: BackupContext,
  path: string,
  stat: FileStat,
  knownHash: string | null,
  targets: Repository[],
): Promise<Sent> {
  const { store, clock } = ctx;
  const errors: Error[] = [];
  const inPlace = targets.filter((r) => r.writesInPlace);
  let named = targets.filter((r) => !r.writesInPlace);
  let content: Content | undefined = knownHash
    ? { sha256: knownHash, md5: store.objects.get(knownHash)?.md5 ?? null, size: stat.size }
    : undefined;
  // A small file is read from disk once for all passes: its bytes are kept for the next one.
  const bytes: SmallFileBytes = {};
  if (!content && inPlace.length > 0 && store.objects.hasSize(stat.size)) {
    // Maybe a duplicate (a card imported twice, a copied folder): hash it first rather than write
    // its bytes to every local folder only to throw them away. A same-size new large file costs a
    // read more; a small one (sidecars share sizes all the time) is kept in memory instead.
    const hashedOnly = await readPass(ctx, path, stat, {
      algs: named.some((r) => !r.encrypted) ? ['sha256', 'md5'] : ['sha256'],
      staged: [],
      bytes,
    });
    if (hashedOnly.kind === 'stop') return hashedOnly;
    const hashed: Content = {
      sha256: hashedOnly.digests.sha256!,
      md5: hashedOnly.digests.md5 ?? null,
      size: stat.size,
    };
    content = recordHash(ctx, path, stat, hashed);
    // Where the index already holds this content, there is nothing to send.
    const held = new Set(store.objects.storedAt(hashed.sha256));
    for (const r of inPlace.filter((x) => held.has(x.name))) inPlace.splice(inPlace.indexOf(r), 1);
    named = named.filter((r) => !held.has(r.name));
  }
  if (!content || inPlace.length > 0) {
    const wantMd5 = named.some((r) => !r.encrypted) && !content?.md5;
    const first = await readPass(ctx, path, stat, {
      algs: content ? (wantMd5 ? ['md5'] : []) : wantMd5 ? ['sha256', 'md5'] : ['sha256'],
      staged: inPlace,
      bytes,
    });
    if (first.kind === 'stop') return first;
    const hashed: Content = {
      sha256: first.digests.sha256 ?? content!.sha256,
      md5: first.digests.md5 ?? content?.md5 ?? null,
      size: stat.size,
    };
    if (content && hashed.sha256 !== content.sha256) {
      await Promise.all(first.staged.map(({ repo, key }) => discardStaged(repo, key)));
      return { kind: 'stop', outcome: { kind: 'changed' } };
    }
    content = recordHash(ctx, path, stat, hashed);
    await Promise.all(
      first.staged.map(async ({ repo, key, error }) => {
        if (error !== undefined) {
          errors.push(error as Error);
          await discardStaged(repo, key);
          return;
        }
        try {
          const existing = await findExisting(repo, hashed);
          if (existing.found) await discardStaged(repo, key);
          else await commitStaged(repo, key, hashed);
          store.objects.markStored(hashed.sha256, repo.name, clock.now());
        } catch (err) {
          errors.push(err as Error);
          await discardStaged(repo, key);
        }
      }),
    );
  }
  if (named.length > 0) {
    // Now that the content is known, a destination may turn out to hold it already.
    named = await notHolding(ctx, named, content, errors);
  }
  if (named.length > 0) {
    const sent = await sendNamedPass(ctx, path, stat, content, named, bytes);
    if (sent.kind === 'stop') return sent;
    errors.push(...sent.errors);
  }
  return { kind: 'ok', errors };
}

/** Records the content of the file as hashed: the object (not yet stored anywhere) and the file's hash. */
function recordHash(ctx: BackupContext, path: string, stat: FileStat, hashed: Content): Content {
  const { store, clock } = ctx;
  const file = store.files.byPath(path)!;
  store.tx(() => {
    store.objects.ensure(hashed.sha256, hashed.size, hashed.md5, clock.now());
    store.files.setHash(file.id, hashed.sha256, stat, clock.now());
  });
  return hashed;
}

type Pass1 =
  | {
      kind: 'ok';
      digests: Partial<Record<HashAlgorithm, string>>;
      staged: { repo: Repository; key: string; error: unknown }[];
    }
  | { kind: 'stop'; outcome: BackupOutcome };

/** Pass 1: one read, hashed, into a staging upload at each in-place target. */
async function readPass(
  ctx: BackupContext,
  path: string,
  stat: FileStat,
  opts: { algs: HashAlgorithm[]; staged: Repository[]; bytes: SmallFileBytes },
): Promise<Pass1> {
  const hash = hashPool.start(opts.algs, stat.size <= SMALL_FILE);
  const staged = opts.staged.map((repo) => {
    const key = repo.newStagingKey();
    return { repo, key, branch: branch((body) => stage(repo, body, stat.size, key)) };
  });
  const read = await readInto(
    ctx,
    path,
    stat,
    staged.map((s) => s.branch),
    opts.algs.length > 0 ? (chunk) => hash.update(chunk) : () => undefined,
    opts.bytes,
  );
  if (read.kind === 'stop') {
    await Promise.all(staged.map(({ repo, key }) => discardStaged(repo, key)));
    return read;
  }
  const digests = opts.algs.length > 0 ? await hash.digest() : {};
  return {
    kind: 'ok',
    digests,
    staged: staged.map(({ repo, key, branch: b }) => ({ repo, key, error: b.error })),
  };
}

/** Pass 2: one read sent under the final name to every remaining target, each proven before it counts. */
async function sendNamedPass(
  ctx: BackupContext,
  path: string,
  stat: FileStat,
  content: Content,
  targets: Repository[],
  bytes: SmallFileBytes,
): Promise<Sent> {
  const { store, clock } = ctx;
  const errors: Error[] = [];
  const ready: Repository[] = [];
  for (const repo of targets) {
    try {
      await repo.ready();
      ready.push(repo);
    } catch (err) {
      errors.push(err as Error);
    }
  }
  if (ready.length === 0) return { kind: 'ok', errors };
  // An encrypted object is named by a keyed hash and its bytes are not compared with the content's
  // MD5 by anyone: the plaintext of this read is hashed again, so a file rewritten between the two
  // reads (same size and time) cannot be stored under the old content's name.
  const recheck = ready.some((r) => r.encrypted)
    ? hashPool.start(['sha256'], stat.size <= SMALL_FILE)
    : undefined;
  const sends = ready.map((repo) => {
    // A large upload cut short earlier (a restart, a dropped line) continues where it stopped.
    const key = repo.objectKey(content.sha256);
    const prior = repo.encrypted ? undefined : store.uploads.find(path, repo.name, stat);
    const resume = repo.encrypted
      ? undefined
      : {
          ...(prior && prior.stagingKey === key && prior.token ? { token: prior.token } : {}),
          onCheckpoint: (t: string) => store.uploads.save(path, repo.name, stat, key, t, clock.now()),
        };
    let ciphertext: CiphertextDigests | undefined;
    const b = branch(async (body) => {
      ciphertext = await sendNamed(repo, body, content, resume);
    });
    return { repo, b, sent: () => ciphertext };
  });
  const read = await readInto(
    ctx,
    path,
    stat,
    sends.map((x) => x.b),
    recheck ? (chunk) => recheck.update(chunk) : () => undefined,
    bytes,
  );
  if (read.kind === 'stop') return read;
  if (recheck && (await recheck.digest()).sha256 !== content.sha256) {
    // Changed between the reads: what the encrypted destinations got is not the named content.
    await Promise.all(
      sends
        .filter((x) => x.repo.encrypted)
        .map((x) => removeObject(x.repo, content.sha256).catch(() => undefined)),
    );
    return { kind: 'stop', outcome: { kind: 'changed' } };
  }
  await Promise.all(
    sends.map(async ({ repo, b, sent }) => {
      if (b.error !== undefined) {
        errors.push(b.error as Error);
        // A connection that dropped keeps its resumable upload for the next try; anything else starts over.
        if (repo.encrypted || !['unavailable', 'transient', 'throttled'].includes(errorKind(b.error)))
          store.uploads.done(path, repo.name);
        return;
      }
      try {
        const ciphertext = sent();
        if (ciphertext) {
          await confirmSent(repo, content.sha256, ciphertext);
          store.ciphertexts.record(content.sha256, repo.name, ciphertext, clock.now());
        }
        store.objects.markStored(content.sha256, repo.name, clock.now());
        store.uploads.done(path, repo.name);
      } catch (err) {
        errors.push(err as Error);
        store.uploads.done(path, repo.name);
      }
    }),
  );
  return { kind: 'ok', errors };
}

/**
 * Reads the file once: every chunk goes to `observe` (the hash) and to every branch (uploads), then
 * checks the file did not change while it was read. A small file is read whole in one read.
 */
async function readInto(
  ctx: BackupContext,
  path: string,
  stat: FileStat,
  branches: Branch[],
  observe: (chunk: Buffer) => Promise<void> | undefined,
  bytes: SmallFileBytes = {},
): Promise<{ kind: 'ok' } | { kind: 'stop'; outcome: BackupOutcome }> {
  const { store, clock } = ctx;
  if (bytes.read) {
    // Read already by an earlier pass of this backup: the same bytes, the same checks after.
    const kept = bytes.read;
    try {
      await fanOut(Readable.from(kept.length === 0 ? [] : [kept]), branches, (chunk) => observe(chunk));
    } catch (err) {
      return { kind: 'stop', outcome: { kind: 'unreadable', reason: readError(err) } };
    }
    return unchangedSince(ctx, path, stat, kept.length);
  }
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    for (const b of branches) b.sink.destroy(err as Error);
    await Promise.all(branches.map((b) => b.done));
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      store.files.markDeleted(path, clock.now());
      return { kind: 'stop', outcome: { kind: 'vanished' } };
    }
    return { kind: 'stop', outcome: { kind: 'unreadable', reason: readError(err) } };
  }
  let size = 0;
  try {
    let source: Readable;
    if (stat.size <= SMALL_FILE) {
      // One byte more than expected tells a file that grew from one that did not.
      const buf = Buffer.allocUnsafe(stat.size + 1);
      let got = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buf, got, buf.length - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
        if (got === buf.length) break;
      }
      if (got === stat.size) bytes.read = buf.subarray(0, got);
      source = Readable.from(got === 0 ? [] : [buf.subarray(0, got)]);
    } else {
      source = createReadStream(path, { fd: handle, highWaterMark: READ_CHUNK, autoClose: false });
    }
    await fanOut(source, branches, (chunk) => {
      size += chunk.length;
      ctx.onRead?.(chunk.length);
      return observe(chunk);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { kind: 'stop', outcome: { kind: 'vanished' } };
    return { kind: 'stop', outcome: { kind: 'unreadable', reason: readError(err) } };
  } finally {
    await handle.close().catch(() => undefined);
  }
  return unchangedSince(ctx, path, stat, size);
}

/** The bytes of a small file (at most SMALL_FILE), kept after its first read for the next pass. */
interface SmallFileBytes {
  read?: Buffer;
}

/** After a read of `size` bytes: ok if the file is still what was stat'ed, else vanished or changed. */
async function unchangedSince(
  ctx: BackupContext,
  path: string,
  stat: FileStat,
  size: number,
): Promise<{ kind: 'ok' } | { kind: 'stop'; outcome: BackupOutcome }> {
  const after = await lstat(path).then(statOf, () => undefined);
  if (!after) {
    ctx.store.files.markDeleted(path, ctx.clock.now());
    return { kind: 'stop', outcome: { kind: 'vanished' } };
  }
  if (!sameStat(after, stat) || size !== stat.size) return { kind: 'stop', outcome: { kind: 'changed' } };
  return { kind: 'ok' };
}

/**
 * The destinations that do not hold the content yet; those found holding it are adopted, and those
 * that could not be asked are left out with their error added to `errors`.
 */
async function notHolding(
  ctx: BackupContext,
  repos: Repository[],
  content: Content,
  errors: Error[],
): Promise<Repository[]> {
  const found = await Promise.all(
    repos.map((r) =>
      adoptExisting(ctx, r, content).catch((err: unknown) => {
        errors.push(err as Error);
        return 'unreachable' as const;
      }),
    ),
  );
  return repos.filter((_, i) => found[i] === false);
}

/**
 * If the destination already holds a correct copy of the content, records it and returns true. A
 * copy with the wrong size or digest is removed so it is sent again.
 */
async function adoptExisting(ctx: BackupContext, repo: Repository, content: Content): Promise<boolean> {
  const ciphertexts = ctx.store.ciphertexts;
  const recorded = repo.encrypted ? ciphertexts.get(content.sha256, repo.name) : undefined;
  const existing = await findExisting(repo, content, recorded);
  if (!existing.found) return false;
  const now = ctx.clock.now();
  ctx.store.tx(() => {
    if (existing.ciphertext) ciphertexts.record(content.sha256, repo.name, existing.ciphertext, now);
    ctx.store.objects.markStored(content.sha256, repo.name, now);
  });
  return true;
}

/**
 * Checks size and digest of a stored object (scrub, and objects found rather than sent); only then
 * is the replica recorded as stored. In an encrypted repository the stored bytes are a ciphertext.
 */
export async function verifyStored(
  ctx: Pick<BackupContext, 'store' | 'clock'>,
  repo: Repository,
  hash: string,
  size: number,
  md5: string | null,
): Promise<void> {
  const ciphertexts = ctx.store.ciphertexts;
  const recorded = repo.encrypted ? ciphertexts.get(hash, repo.name) : undefined;
  const confirmed = await checkStored(repo, { sha256: hash, md5, size }, recorded);
  const now = ctx.clock.now();
  ctx.store.tx(() => {
    if (confirmed) ciphertexts.record(hash, repo.name, confirmed, now);
    ctx.store.objects.markStored(hash, repo.name, now);
  });
}
