import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

  async put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    assertValidKey(this.name, key);
    await this.check();
    const tmp = join(this.root, TMP_DIR, `${randomUUID()}.part`);
    try {
      await mkdir(dirname(tmp), { recursive: true });
      const sha = createHash('sha256');
      const md5 = opts.expect?.md5 ? createHash('md5') : undefined;
      let written = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          written += chunk.length;
          sha.update(chunk);
          md5?.update(chunk);
          cb(null, chunk);
        },
      });
      const out = createWriteStream(tmp, { flags: 'wx' });
      await pipeline(body, counter, out, opts.signal ? { signal: opts.signal } : {});
      // A staging upload is flushed when it is promoted; everything else before it gets its name.
      if (!opts.temporary) await fsyncPath(tmp);
      if (written !== opts.size) {
        throw new DestinationError(
          'integrity',
          this.name,
          `${key}: received ${written} bytes, expected ${opts.size}`,
        );
      }
      const got: Digests = { sha256: sha.digest('hex'), ...(md5 ? { md5: md5.digest('hex') } : {}) };
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
      await this.moveIntoPlace(tmp, key, !opts.temporary);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw classifyLocalError(this.name, err, key);
    }
  }

  async promote(from: string, to: string): Promise<void> {
    assertValidKey(this.name, from);
    assertValidKey(this.name, to);
    await this.check();
    try {
      await stat(this.path(from));
      await fsyncPath(this.path(from));
      await this.moveIntoPlace(this.path(from), to, true);
    } catch (err) {
      throw classifyLocalError(this.name, err, from);
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

  async stat(key: string): Promise<ObjectInfo> {
    assertValidKey(this.name, key);
    await this.check();
    try {
      const info = await stat(this.path(key));
      if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      return { key, size: info.size, modifiedMs: info.mtimeMs };
    } catch (err) {
      throw classifyLocalError(this.name, err, key);
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
   * Removes half-written files left in `.tmp/` by a crash, once older than `olderThanMs` (a file still
   * being written keeps a fresh modification time). Returns how many were removed.
   */
  async removeAbandonedParts(olderThanMs: number, nowMs: number): Promise<number> {
    let removed = 0;
    for await (const file of walk(join(this.root, TMP_DIR))) {
      const info = await stat(file).catch(() => undefined);
      if (
        info &&
        nowMs - info.mtimeMs > olderThanMs &&
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

  async close(): Promise<void> {}

  private path(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  /** rename(2) is atomic within one filesystem; the folder is synced so the name survives power loss. */
  private async moveIntoPlace(file: string, key: string, durable: boolean): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    await rename(file, target);
    if (durable) await fsyncPath(dirname(target)).catch(() => undefined);
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
