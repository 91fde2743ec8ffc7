import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  Storage,
  type CopyOptions,
  type File,
  type FileMetadata,
  type StorageOptions,
} from '@google-cloud/storage';
import { systemClock, type Clock } from '../../clock.js';
import type { ByteRange, Destination, Digests, ObjectInfo, PutOptions } from '../destination.js';
import { DestinationError } from '../errors.js';
import { assertValidKey } from '../keys.js';
import { classifyGcsError, type GcsErrorContext } from './errors.js';

/** GCS storage classes an object can be written in; all of them are readable at once (no rehydration). */
export const GCS_STORAGE_CLASSES = ['STANDARD', 'NEARLINE', 'COLDLINE', 'ARCHIVE'] as const;
export type GcsStorageClass = (typeof GCS_STORAGE_CLASSES)[number];

/** Settings of one Google Cloud Storage destination. */
export interface GcsConfig {
  /** The user's name for the destination; prefixes every error message. */
  name: string;
  bucket: string;
  /** Folder inside the bucket that holds the repository (`keepsake/`); empty for the bucket root. */
  prefix?: string;
  projectId?: string;
  /** Path of a service-account JSON key file. */
  keyFilename?: string;
  /** A service-account key given inline (the parsed JSON key). */
  credentials?: StorageOptions['credentials'];
  /** Another JSON-API endpoint (an emulator); no credentials are sent to a custom endpoint. */
  apiEndpoint?: string;
  /** Class of new objects unless `put` names one; the bucket's default class when omitted. */
  storageClass?: GcsStorageClass;
  /**
   * Bytes per request of a resumable upload. Undefined (the default) streams the whole object in one
   * request, which needs no buffering; a chunk size makes the SDK hold one chunk in memory.
   */
  resumableChunkSize?: number;
  /** Objects up to this size (default 8 MiB) are buffered, checked, then sent in a single request. */
  resumableThreshold?: number;
}

const DEFAULT_RESUMABLE_THRESHOLD = 8 * 1024 * 1024;
const PAGE_SIZE = 1000;

/** An error of the body being uploaded, told apart from errors of the upload itself. */
class SourceFailure extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

/**
 * A Google Cloud Storage bucket (or a folder of one), through `@google-cloud/storage` with the SDK's
 * own retries turned off: retrying is the job of the wrappers in ../wrap.
 *
 * Uploads never leave a partial or wrong object under a key:
 * - Objects up to `resumableThreshold` are read into memory, their size and `expect` digests checked,
 *   and only then sent in one request carrying their MD5, which GCS verifies before storing.
 * - Larger objects stream through a resumable upload that declares the exact size. The body passes a
 *   check that fails the stream before its end when the size or an expected digest is wrong, so the
 *   upload is never finalised and the key keeps whatever it held before (GCS writes are atomic).
 * - After every upload the MD5 that GCS computed is compared with the MD5 of the bytes sent; on a
 *   mismatch that generation (and only it) is deleted and `put` fails with `integrity`.
 * The SDK's own `validation` is off because this check replaces it with one MD5 pass and a
 * generation-conditional delete (the SDK's deletes whatever is under the key).
 *
 * Resuming: each resumable upload has a session URI (the SDK's `uri` event) that stays valid for a
 * week, so an upload could continue after a restart from the offset GCS reports. `put` takes a body
 * that starts at byte 0, and the emulator used in tests finalises any session on its first PUT, so
 * this destination does not resume: a failed `put` is repeated whole by the retry wrapper.
 */
export class GcsDestination implements Destination {
  readonly name: string;
  readonly bucketName: string;
  private readonly storage: Storage;
  private readonly prefix: string;
  private readonly threshold: number;

  constructor(
    readonly config: GcsConfig,
    private readonly clock: Clock = systemClock,
  ) {
    this.name = config.name;
    this.bucketName = config.bucket;
    const trimmed = (config.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.prefix = trimmed ? `${trimmed}/` : '';
    this.threshold = config.resumableThreshold ?? DEFAULT_RESUMABLE_THRESHOLD;
    if (config.storageClass !== undefined) this.storageClassOf(config.storageClass);
    this.storage = new Storage({
      ...(config.projectId === undefined ? {} : { projectId: config.projectId }),
      ...(config.keyFilename === undefined ? {} : { keyFilename: config.keyFilename }),
      ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
      ...(config.apiEndpoint === undefined ? {} : { apiEndpoint: config.apiEndpoint }),
      // The SDK sends no credentials to a custom endpoint (an emulator) unless told to: given ones
      // are always used, so a private endpoint of real GCS is authenticated.
      useAuthWithCustomEndpoint: config.keyFilename !== undefined || config.credentials !== undefined,
      retryOptions: { autoRetry: false, maxRetries: 0, retryableErrorFn: () => false },
    });
  }

  async check(): Promise<void> {
    // Listing needs only storage.objects.list, which any role that can back up holds; reading the
    // bucket's own metadata (bucket.exists) needs storage.buckets.get, which object roles lack.
    try {
      await this.storage
        .bucket(this.bucketName)
        .getFiles({ prefix: this.prefix, maxResults: 1, autoPaginate: false });
    } catch (err) {
      throw this.classify(err, 'check');
    }
  }

  async put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    assertValidKey(this.name, key);
    const object = this.objectName(key);
    const wanted =
      opts.temporary && this.config.storageClass
        ? 'STANDARD'
        : (opts.storageClass ?? this.config.storageClass);
    const storageClass = this.storageClassOf(wanted);
    const meter = new UploadMeter(this.name, `put gs://${this.bucketName}/${object}`, opts);
    const file = this.storage.bucket(this.bucketName).file(object);
    const metadata: FileMetadata = {
      contentType: 'application/octet-stream',
      ...(storageClass === undefined ? {} : { storageClass }),
    };
    try {
      let stored: FileMetadata;
      if (opts.size <= this.threshold) {
        const data = await meter.collect(guard(body), opts.signal);
        stored = await this.upload(file, data, {
          resumable: false,
          metadata: { ...metadata, md5Hash: meter.md5Base64() },
          signal: opts.signal,
        });
      } else {
        if (opts.expect?.md5) metadata.md5Hash = Buffer.from(opts.expect.md5, 'hex').toString('base64');
        stored = await this.upload(
          file,
          { body: guard(body), checker: meter.checker() },
          {
            resumable: true,
            // Declares the total size (X-Upload-Content-Length): GCS will not finalise any other length.
            metadata: { ...metadata, contentLength: opts.size } as FileMetadata,
            signal: opts.signal,
          },
        );
      }
      await this.verifyStored(file, stored, meter, opts.size);
    } catch (err) {
      if (err instanceof SourceFailure) {
        throw new DestinationError(
          'transient',
          this.name,
          `put gs://${this.bucketName}/${object}: reading the data to upload failed: ${err.message}`,
          { cause: err.original },
        );
      }
      throw this.classify(err, 'put', object);
    }
  }

  async promote(from: string, to: string): Promise<void> {
    assertValidKey(this.name, from);
    assertValidKey(this.name, to);
    const source = this.objectName(from);
    const target = this.objectName(to);
    const meta = await this.metadataOf(source, 'promote');
    const bucket = this.storage.bucket(this.bucketName);
    const pinned = bucket.file(source, { generation: Number(meta.generation) });
    try {
      // A copy appears whole under `to`; the class is given again, as a copy otherwise takes the
      // bucket's default class.
      // (`storageClass` is part of the destination resource the SDK sends; its types omit it.)
      await pinned.copy(
        bucket.file(target),
        ((this.config.storageClass ?? meta.storageClass)
          ? { storageClass: this.config.storageClass ?? meta.storageClass }
          : {}) as CopyOptions,
      );
    } catch (err) {
      throw this.classify(err, 'promote', source);
    }
    await this.deleteObject(source, 'promote', meta.generation);
  }

  /** GCS's ARCHIVE class is readable at once (at a retrieval fee): nothing to rehydrate. */
  async requestRehydration(): Promise<void> {}

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(this.name, key);
    const object = this.objectName(key);
    // Metadata first, so a missing key fails here rather than later in the stream.
    const meta = await this.metadataOf(object, 'get');
    const size = Number(meta.size ?? 0);
    const start = range?.offset ?? 0;
    const end = range?.length === undefined ? size - 1 : Math.min(size, start + range.length) - 1;
    if (size === 0 || start >= size || end < start) return Readable.from([]);
    const file = this.storage.bucket(this.bucketName).file(object);
    const source = range ? file.createReadStream({ start, end }) : file.createReadStream();
    const out = new PassThrough();
    source.on('error', (err) => out.destroy(this.classify(err, 'get', object)));
    // A reader that stops early must not leave the download's connection open.
    out.on('close', () => source.destroy());
    return source.pipe(out);
  }

  async stat(key: string): Promise<ObjectInfo> {
    assertValidKey(this.name, key);
    return this.infoOf(key, await this.metadataOf(this.objectName(key), 'stat'));
  }

  async digest(key: string): Promise<Digests> {
    assertValidKey(this.name, key);
    const meta = await this.metadataOf(this.objectName(key), 'digest');
    if (meta.md5Hash) return { md5: Buffer.from(meta.md5Hash, 'base64').toString('hex') };
    // Composite objects carry only a CRC32C: read them back.
    const sha = createHash('sha256');
    for await (const chunk of await this.get(key)) sha.update(chunk as Buffer);
    return { sha256: sha.digest('hex') };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const bucket = this.storage.bucket(this.bucketName);
    let pageToken: string | undefined;
    do {
      let files: File[];
      let next: { pageToken?: string } | null | undefined;
      try {
        [files, next] = (await bucket.getFiles({
          prefix: this.prefix + prefix,
          maxResults: PAGE_SIZE,
          autoPaginate: false,
          ...(pageToken === undefined ? {} : { pageToken }),
        })) as [File[], { pageToken?: string } | null | undefined, unknown];
      } catch (err) {
        throw this.classify(err, 'list');
      }
      for (const file of files) {
        if (!file.name.startsWith(this.prefix) || file.name.endsWith('/')) continue;
        yield this.infoOf(file.name.slice(this.prefix.length), file.metadata);
      }
      pageToken = next?.pageToken;
    } while (pageToken);
  }

  async remove(key: string): Promise<void> {
    assertValidKey(this.name, key);
    await this.deleteObject(this.objectName(key), 'remove');
  }

  /** Moves an object to another storage class (a rewrite in place, so it gets a new generation). */
  async setStorageClass(key: string, storageClass: string): Promise<void> {
    assertValidKey(this.name, key);
    const cls = this.storageClassOf(storageClass);
    const object = this.objectName(key);
    try {
      await this.storage
        .bucket(this.bucketName)
        .file(object)
        .setStorageClass(cls ?? 'STANDARD');
    } catch (err) {
      throw this.classify(err, 'setStorageClass', object);
    }
  }

  async close(): Promise<void> {}

  private objectName(key: string): string {
    return this.prefix + key;
  }

  private storageClassOf(cls: string | undefined): GcsStorageClass | undefined {
    if (cls === undefined) return undefined;
    const upper = cls.toUpperCase();
    if (!(GCS_STORAGE_CLASSES as readonly string[]).includes(upper)) {
      throw new DestinationError(
        'permanent',
        this.name,
        `unknown storage class ${JSON.stringify(cls)} (use ${GCS_STORAGE_CLASSES.join(', ')})`,
      );
    }
    return upper as GcsStorageClass;
  }

  private infoOf(key: string, meta: FileMetadata): ObjectInfo {
    const modified = Date.parse(meta.updated ?? meta.timeCreated ?? '');
    return {
      key,
      size: Number(meta.size ?? 0),
      modifiedMs: Number.isNaN(modified) ? 0 : modified,
      ...(meta.storageClass ? { storageClass: meta.storageClass } : {}),
      // Every GCS class, ARCHIVE included, is read directly: nothing needs rehydrating.
      archived: false,
    };
  }

  private async metadataOf(object: string, op: string): Promise<FileMetadata> {
    try {
      const [meta] = await this.storage.bucket(this.bucketName).file(object).getMetadata();
      return meta;
    } catch (err) {
      throw this.classify(err, op, object);
    }
  }

  /** Deletes an object (only `generation` when given); a missing object is fine, a missing bucket is not. */
  private async deleteObject(object: string, op: string, generation?: string | number): Promise<void> {
    try {
      await this.storage
        .bucket(this.bucketName)
        .file(object)
        .delete(generation === undefined ? {} : { ifGenerationMatch: generation });
    } catch (err) {
      const classified = this.classify(err, op, object);
      if (classified.kind !== 'not-found') throw classified;
    }
  }

  /** Sends `source` to `file` and resolves with the metadata GCS returned for the stored object. */
  private async upload(
    file: File,
    /** A checked buffer, or a body streamed through its checker. */
    source: Buffer | { body: AsyncIterable<Buffer>; checker: Transform },
    opts: { resumable: boolean; metadata: FileMetadata; signal?: AbortSignal | undefined },
  ): Promise<FileMetadata> {
    // A private connection pool per streamed upload: when the body fails, the SDK stops the upload
    // stream but leaves its HTTP request open, waiting for bytes that never come. Destroying the pool
    // ends that request. (A buffered upload is checked before it starts, so it shares connections.)
    const agent = opts.resumable ? this.newAgent() : undefined;
    if (agent) {
      type RequestOptions = ReturnType<File['interceptors'][number]['request']>;
      file.interceptors.push({ request: (reqOpts) => ({ ...reqOpts, agent }) as unknown as RequestOptions });
    }
    const ws = file.createWriteStream({
      resumable: opts.resumable,
      validation: false,
      metadata: opts.metadata,
      ...(opts.resumable && this.config.resumableChunkSize !== undefined
        ? { chunkSize: this.config.resumableChunkSize }
        : {}),
    });
    const signalOpt = opts.signal ? { signal: opts.signal } : {};
    try {
      if (Buffer.isBuffer(source)) {
        await pipeline(Readable.from([source]), ws, signalOpt);
      } else {
        await pipeline(source.body, source.checker, ws, signalOpt);
      }
    } finally {
      agent?.destroy();
    }
    return file.metadata;
  }

  /** Compares what GCS stored with what was sent; a wrong object is deleted (that generation only). */
  private async verifyStored(file: File, stored: FileMetadata, meter: UploadMeter, size: number) {
    const sentMd5 = meter.md5Base64();
    const storedSize = Number(stored.size);
    if (storedSize === size && stored.md5Hash === sentMd5) return;
    await this.deleteObject(file.name, 'put', stored.generation).catch(() => undefined);
    const what =
      storedSize !== size
        ? `stored ${storedSize} bytes, sent ${size}`
        : `stored MD5 ${stored.md5Hash ?? 'none'}, sent ${sentMd5}`;
    throw new DestinationError('integrity', this.name, `put gs://${this.bucketName}/${file.name}: ${what}`);
  }

  private newAgent(): HttpAgent {
    const endpoint = this.config.apiEndpoint ?? 'https://storage.googleapis.com';
    return /^http:/i.test(endpoint) ? new HttpAgent() : new HttpsAgent();
  }

  private classify(err: unknown, op: string, object?: string): DestinationError {
    const ctx: GcsErrorContext = { op, bucket: this.bucketName, nowMs: this.clock.now() };
    if (object !== undefined) ctx.object = object;
    return classifyGcsError(this.name, err, ctx);
  }
}

/** Reads a body, marking its own failures so they are not taken for failures of the upload. */
async function* guard(body: Readable): AsyncIterable<Buffer> {
  try {
    for await (const chunk of body) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
  } catch (err) {
    throw new SourceFailure(err);
  }
}

/**
 * Counts and hashes the bytes of one upload, and refuses them (before the upload can complete) when
 * there are more or fewer than announced or an expected digest does not match.
 */
class UploadMeter {
  private bytes = 0;
  private readonly md5 = createHash('md5');
  private readonly sha256;
  private md5Digest: Buffer | undefined;

  constructor(
    private readonly destination: string,
    private readonly where: string,
    private readonly opts: PutOptions,
  ) {
    this.sha256 = opts.expect?.sha256 ? createHash('sha256') : undefined;
  }

  md5Base64(): string {
    this.md5Digest ??= this.md5.digest();
    return this.md5Digest.toString('base64');
  }

  /** Takes in one chunk; throws `integrity` as soon as the body is longer than announced. */
  private take(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.opts.size) {
      throw this.mismatch(`body is longer than the announced ${this.opts.size} bytes`);
    }
    this.md5.update(chunk);
    this.sha256?.update(chunk);
  }

  /** Throws `integrity` unless the whole body had the announced size and the expected digests. */
  private finish(): void {
    if (this.bytes !== this.opts.size) {
      throw this.mismatch(`received ${this.bytes} bytes, expected ${this.opts.size}`);
    }
    const md5Hex = Buffer.from(this.md5Base64(), 'base64').toString('hex');
    const got: Digests = { md5: md5Hex, ...(this.sha256 ? { sha256: this.sha256.digest('hex') } : {}) };
    for (const alg of ['sha256', 'md5'] as const) {
      const want = this.opts.expect?.[alg];
      if (want && want.toLowerCase() !== got[alg]) {
        throw this.mismatch(`${alg} mismatch (expected ${want}, body has ${got[alg]})`);
      }
    }
  }

  /** Reads the whole (small) body into memory and checks it. */
  async collect(source: AsyncIterable<Buffer>, signal: AbortSignal | undefined): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        try {
          this.take(chunk);
          chunks.push(chunk);
          cb();
        } catch (err) {
          cb(err as Error);
        }
      },
      final: (cb) => {
        try {
          this.finish();
          cb();
        } catch (err) {
          cb(err as Error);
        }
      },
    });
    await pipeline(source, sink, signal ? { signal } : {});
    return Buffer.concat(chunks);
  }

  /**
   * A pass-through that fails, instead of ending, when the body is wrong. It holds back the latest
   * chunk until the next one arrives or the body has passed every check, so the server never has
   * all the announced bytes of a body that turns out wrong.
   */
  checker(): Transform {
    let held: Buffer | undefined;
    const checker: Transform = new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        try {
          this.take(chunk);
        } catch (err) {
          return cb(err as Error);
        }
        if (held) checker.push(held);
        held = chunk;
        cb();
      },
      flush: (cb) => {
        try {
          this.finish();
        } catch (err) {
          return cb(err as Error);
        }
        if (held) checker.push(held);
        held = undefined;
        cb();
      },
    });
    return checker;
  }

  private mismatch(what: string): DestinationError {
    return new DestinationError('integrity', this.destination, `${this.where}: ${what}`);
  }
}
