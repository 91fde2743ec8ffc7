import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import type {
  ByteRange,
  Destination,
  Digests,
  ObjectInfo,
  PutOptions,
  RehydrationOptions,
} from '../destination.js';
import { DestinationError } from '../errors.js';
import { assertValidKey } from '../keys.js';
import { classifyLocalError } from './errors.js';

/** Folder (inside the root) for objects being written; never listed, safe to empty when idle. */
const TMP_DIR = '.tmp';

/**
 * Half-written files are named `<host>.<pid>.<uuid>.part`: at start-up the ones of this computer whose
 * process has died are removed at once (a kill -9 leaves them), while another computer's on a shared
 * NAS are left until old, as they may still be being written.
 */
export const PART_HOST =
  hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40) || 'host';

function partName(): string {
  return `${PART_HOST}.${process.pid}.${randomUUID()}.part`;
}

/** Whether a part file was left by a process of this computer that no longer runs. */
function leftByDeadProcess(name: string): boolean {
  const m = /^([a-z0-9-]+)\.(\d+)\.[0-9a-f-]+\.part$/.exec(name);
  if (!m || m[1] !== PART_HOST) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * A destination in a local folder: an external drive, a NAS mount, or the embedded default vault.
 * Objects are plain files at `<root>/<key>`, so a file browser is enough to find them.
 *
 * The root folder must already exist: a missing root means the drive is unplugged or the share is
 * not mounted, and is reported as `unavailable`. It is never created here, so an unplugged drive's
 * empty mount point cannot silently fill the laptop's own disk.
 */
export class LocalDestination implements Destination {
  constructor(
    readonly name: string,
    readonly root: string,
  ) {}

  async check(): Promise<void> {
    let info;
    try {
      info = await stat(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DestinationError(
          'unavailable',
          this.name,
          `folder ${this.root} not found: is the drive plugged in and the share mounted?`,
          { cause: err },
        );
      }
      throw classifyLocalError(this.name, err, this.root);
    }
    if (!info.isDirectory()) {
      throw new DestinationError('missing-container', this.name, `${this.root} is not a folder`);
    }
  }

  /**
   * Writes the body to a file and flushes it. A staging upload (`temporary`; its key is unique and
   * never read by name before promote) is written in place; any other object is written under
   * `.tmp/` and renamed, so its name only ever holds complete content. The digests in `expect` are
   * computed on the bytes as written and checked; none is computed when none is expected.
   */
  async put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    assertValidKey(this.name, key);
    const file = opts.temporary ? this.path(key) : join(this.root, TMP_DIR, partName());
    let created = false;
    try {
      const out = await this.openNew(file);
      created = true;
      const sha = opts.expect?.sha256 ? createHash('sha256') : undefined;
      const md5 = opts.expect?.md5 ? createHash('md5') : undefined;
      let written = 0;
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          opts.signal?.throwIfAborted();
          sha?.update(chunk);
          md5?.update(chunk);
          await writeAll(out, chunk);
          written += chunk.length;
        }
        await out.sync();
      } finally {
        await out.close();
      }
      if (written !== opts.size) {
        throw new DestinationError(
          'integrity',
          this.name,
          `${key}: received ${written} bytes, expected ${opts.size}`,
        );
      }
      const got: Digests = {
        ...(sha ? { sha256: sha.digest('hex') } : {}),
        ...(md5 ? { md5: md5.digest('hex') } : {}),
      };
      for (const alg of ['sha256', 'md5'] as const) {
        const want = opts.expect?.[alg];
        if (want && want !== got[alg]) {
          throw new DestinationError(
            'integrity',
            this.name,
            `${key}: ${alg} mismatch (sent ${want}, stored ${got[alg]})`,
          );
        }
      }
      if (!opts.temporary) await this.moveIntoPlace(file, key);
    } catch (err) {
      body.destroy();
      if (created) await rm(file, { force: true }).catch(() => undefined);
      throw await this.explain(err, key);
    }
  }

  /** The staging file is already flushed by `put`: a rename, and the folder synced. */
  async promote(from: string, to: string): Promise<void> {
    assertValidKey(this.name, from);
    assertValidKey(this.name, to);
    try {
      await this.moveIntoPlace(this.path(from), to);
    } catch (err) {
      throw await this.explain(err, from);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(this.name, key);
    await this.check();
    const file = this.path(key);
    try {
      // Open first so a missing file fails here, not later as a stream error.
      const handle = await open(file, 'r');
      const end = range?.length === undefined ? undefined : range.offset + range.length - 1;
      if (end !== undefined && end < (range?.offset ?? 0)) {
        await handle.close();
        return createEmpty();
      }
      const stream = createReadStream(file, {
        fd: handle,
        start: range?.offset ?? 0,
        ...(end === undefined ? {} : { end }),
      });
      stream.on('error', () => undefined);
      return wrapStreamErrors(stream, (err) => classifyLocalError(this.name, err, key));
    } catch (err) {
      throw classifyLocalError(this.name, err, key);
    }
  }

  /** A missing object is `not-found`; a missing root (drive unplugged) is `unavailable`. */
  async stat(key: string): Promise<ObjectInfo> {
    assertValidKey(this.name, key);
    try {
      const info = await stat(this.path(key));
      if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      return { key, size: info.size, modifiedMs: info.mtimeMs };
    } catch (err) {
      throw await this.explain(err, key);
    }
  }

  async digest(key: string): Promise<Digests> {
    const body = await this.get(key);
    const sha = createHash('sha256');
    try {
      for await (const chunk of body) sha.update(chunk as Buffer);
    } catch (err) {
      throw classifyLocalError(this.name, err, key);
    }
    return { sha256: sha.digest('hex') };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    await this.check();
    // Walk from the deepest folder that the prefix names completely.
    const cut = prefix.lastIndexOf('/');
    const base = cut < 0 ? '' : prefix.slice(0, cut);
    for await (const file of walk(join(this.root, base))) {
      const key = relative(this.root, file).split(sep).join('/');
      if (key.startsWith(`${TMP_DIR}/`) || !key.startsWith(prefix)) continue;
      try {
        const info = await stat(file);
        yield { key, size: info.size, modifiedMs: info.mtimeMs };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw classifyLocalError(this.name, err, key);
      }
    }
  }

  async remove(key: string): Promise<void> {
    assertValidKey(this.name, key);
    await this.check();
    try {
      await rm(this.path(key), { force: true });
    } catch (err) {
      throw classifyLocalError(this.name, err, key);
    }
  }

  /**
   * Removes half-written files left in `.tmp/` by a crash: at once those of a dead process of this
   * computer, others once older than `olderThanMs` (a file still being written keeps a fresh
   * modification time). Returns how many were removed.
   */
  async removeAbandonedParts(olderThanMs: number, nowMs: number): Promise<number> {
    let removed = 0;
    for await (const file of walk(join(this.root, TMP_DIR))) {
      const info = await stat(file).catch(() => undefined);
      if (
        info &&
        (leftByDeadProcess(basename(file)) || nowMs - info.mtimeMs > olderThanMs) &&
        (await rm(file, { force: true }).then(
          () => true,
          () => false,
        ))
      )
        removed++;
    }
    return removed;
  }

  /** Local folders have no archive classes: nothing to rehydrate. */
  async requestRehydration(_key: string, _opts: RehydrationOptions): Promise<void> {}

  async setStorageClass(key: string, storageClass: string): Promise<void> {
    throw new DestinationError(
      'permanent',
      this.name,
      `cannot put ${key} in storage class ${storageClass}: a folder on a disk has no storage classes`,
    );
  }

  async close(): Promise<void> {}

  private path(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  /** Folders known to exist under the root: a small file costs no mkdir once its folder is made. */
  private readonly folders = new Set<string>();

  /** Creates `file` (never an existing one), making its folder first when it is missing. */
  private async openNew(file: string): Promise<FileHandle> {
    await this.ensureFolder(dirname(file));
    return open(file, 'wx', 0o600);
  }

  /**
   * Makes a folder under the root. The root itself is checked first and never created: an
   * unplugged drive's empty mount point must not fill the laptop's disk.
   */
  private async ensureFolder(dir: string): Promise<void> {
    if (this.folders.has(dir)) return;
    await this.check();
    await mkdir(dir, { recursive: true });
    this.folders.add(dir);
  }

  /** rename(2) is atomic within one filesystem; the folder is synced so the name survives power loss. */
  private async moveIntoPlace(file: string, key: string): Promise<void> {
    const target = this.path(key);
    await this.ensureFolder(dirname(target));
    try {
      await rename(file, target);
    } catch (err) {
      // The folder was removed since it was made (a drive swapped, a vault emptied by hand).
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.folders.clear();
      await this.ensureFolder(dirname(target));
      await rename(file, target);
    }
    await fsyncPath(dirname(target)).catch(() => undefined);
  }

  /**
   * The error as a DestinationError; a missing or unmounted root is said as such (checked only now,
   * on failure, so a good write costs no extra stat).
   */
  private async explain(err: unknown, key: string): Promise<Error> {
    if (err instanceof DestinationError) return err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      try {
        await this.check();
      } catch (unavailable) {
        this.folders.clear();
        return unavailable as Error;
      }
    }
    return classifyLocalError(this.name, err, key);
  }
}

/** Writes the whole buffer (a write may take fewer bytes than asked). */
async function writeAll(out: FileHandle, chunk: Buffer): Promise<void> {
  for (let off = 0; off < chunk.length;) {
    const { bytesWritten } = await out.write(chunk, off, chunk.length - off);
    off += bytesWritten;
  }
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function* walk(dir: string): AsyncIterable<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return;
    throw err;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

function createEmpty(): Readable {
  return new Transform({ transform: (_c, _e, cb) => cb() }).end() as unknown as Readable;
}

/** Re-emits a stream's errors as classified DestinationErrors. */
function wrapStreamErrors(stream: Readable, classify: (err: unknown) => Error): Readable {
  const out = new Transform({ transform: (chunk, _e, cb) => cb(null, chunk) });
  stream.on('error', (err) => out.destroy(classify(err)));
  // A reader that stops early destroys `out`: close the file too, or its handle leaks.
  out.on('close', () => stream.destroy());
  return stream.pipe(out);
}
