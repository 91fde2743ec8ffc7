import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  RestoreObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { systemClock, type Clock } from '../../clock.js';
import type {
  ByteRange,
  Destination,
  Digests,
  ObjectInfo,
  PutOptions,
  RehydrationOptions,
} from '../destination.js';
import { assertValidKey } from '../keys.js';
import { abortStaleUploads, type AbortedUpload } from './cleanup.js';
import { integrityError, type S3Context } from './context.js';
import { changeClassInPlace, copyObject, type CopyPlan } from './copy.js';
import { classifyS3Error } from './errors.js';
import { etagIsContentMd5, normalizeEtag } from './etag.js';
import { guardedBody } from './read-stream.js';
import { MIN_PART_SIZE } from './limits.js';
import { uploadObject, type UploadPlan } from './upload.js';

/**
 * The AWS SDK prints an 8-line NodeVersionSupportWarning on the user's terminal the first time a
 * client is made under Node 20 (the CLI's Node, not Electron's): it is about the SDK's own future
 * releases, not anything the user can act on, so it is turned off unless the user set the variable.
 */
function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** Access keys for S3 (or an S3-compatible provider). */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where and how an S3 destination stores objects; presets.ts builds these for known providers. */
export interface S3Config {
  /** The user's name for this destination; prefixes every error message. */
  name: string;
  bucket: string;
  /** Folder inside the bucket that holds every key, e.g. `keepsake/studio`; none means the bucket root. */
  prefix?: string;
  region: string;
  /** Endpoint URL for S3-compatible providers; omitted for AWS. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`), needed by MinIO, NAS servers and most emulators. */
  forcePathStyle?: boolean;
  /** Omitted: the SDK's default provider chain (environment, shared config profiles, instance roles). */
  credentials?: S3Credentials | undefined;
  /** Storage class for new objects; omitted for one-class providers (B2, Wasabi), which get no header. */
  storageClass?: string;
}

/** Knobs with sound defaults; tests lower them to exercise multipart paths with small objects. */
export interface S3Tuning {
  clock?: Clock;
  /** Default 8 MiB. See DEFAULT_PART_SIZE. */
  partSize?: number;
  /** Default 4. See DEFAULT_QUEUE_SIZE. */
  queueSize?: number;
  /** Objects larger than this are promoted with UploadPartCopy; default (and S3's maximum) 5 GiB. */
  maxSingleCopy?: number;
  /** Default 512 MiB. */
  copyPartSize?: number;
}

/**
 * 8 MiB parts: the AWS CLI's default, small enough that a failed part costs seconds to resend on a
 * home uplink and that buffering stays modest, large enough that a 60 GB wedding video needs ~7,500
 * parts (under S3's 10,000; larger objects get proportionally larger parts, see partSizeFor).
 * Objects up to this size go up as a single PutObject, buffered in memory for their Content-MD5.
 */
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/**
 * 4 parts in flight: enough to fill a typical 50-500 Mbit/s uplink despite per-request latency,
 * while one upload holds at most ~40 MiB ((queue + 1) × part) and several run side by side.
 */
const DEFAULT_QUEUE_SIZE = 4;
/** CopyObject's limit. */
const MAX_SINGLE_COPY = 5 * 1024 * 1024 * 1024;
/** 512 MiB server-side copy parts: few requests, each well within S3's per-request time budget. */
const DEFAULT_COPY_PART_SIZE = 512 * 1024 * 1024;

const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/** True when S3 would refuse a GET until the object is restored from an archive tier. */
function isArchived(storageClass: string | undefined, restore?: string, archiveStatus?: string): boolean {
  if (archiveStatus === 'ARCHIVE_ACCESS' || archiveStatus === 'DEEP_ARCHIVE_ACCESS') return true;
  if (!storageClass || !ARCHIVE_CLASSES.has(storageClass)) return false;
  return !(restore ?? '').includes('ongoing-request="false"');
}

/** Normalizes a configured prefix to `a/b/` (or `` for none), refusing names a key could not have. */
function normalizePrefix(name: string, prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  assertValidKey(name, trimmed);
  return `${trimmed}/`;
}

/**
 * A destination in an S3 bucket (AWS S3, Backblaze B2, Wasabi, Cloudflare R2, MinIO, a NAS's S3
 * service), every key under the configured prefix. Puts are verified end to end with Content-MD5 and
 * ETags, multipart uploads are aborted on failure, and every error is classified in errors.ts.
 * The client makes one attempt per call: retrying is the wrap/ layer's job.
 */
export class S3Destination implements Destination {
  readonly name: string;
  readonly bucket: string;
  /** The prefix every key lives under, as `a/b/` or `` for the bucket root. */
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly clock: Clock;
  private readonly ctx: S3Context;
  private readonly upload: UploadPlan;
  private readonly copy: CopyPlan;
  private readonly storageClass: string | undefined;

  constructor(config: S3Config, tuning: S3Tuning = {}) {
    this.name = config.name;
    this.bucket = config.bucket;
    this.prefix = normalizePrefix(config.name, config.prefix);
    this.storageClass = config.storageClass;
    this.clock = tuning.clock ?? systemClock;
    const queueSize = Math.max(1, tuning.queueSize ?? DEFAULT_QUEUE_SIZE);
    this.upload = { partSize: Math.max(MIN_PART_SIZE, tuning.partSize ?? DEFAULT_PART_SIZE), queueSize };
    this.copy = {
      maxSingleCopy: Math.min(MAX_SINGLE_COPY, tuning.maxSingleCopy ?? MAX_SINGLE_COPY),
      copyPartSize: Math.max(MIN_PART_SIZE, tuning.copyPartSize ?? DEFAULT_COPY_PART_SIZE),
      queueSize,
    };
    quietNodeVersionWarning();
    this.client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle ?? false,
      ...(config.credentials ? { credentials: config.credentials } : {}),
      maxAttempts: 1,
      // The SDK's default (WHEN_SUPPORTED) streams aws-chunked bodies with trailing checksums; a
      // third-party S3 server was seen answering 200 while storing the chunk framing as content.
      // Integrity comes from Content-MD5 and the ETag checks instead.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 15_000, socketTimeout: 120_000 },
    });
    this.ctx = {
      client: this.client,
      name: this.name,
      bucket: this.bucket,
      fail: (err, op, key) =>
        classifyS3Error(this.name, err, {
          op,
          bucket: this.bucket,
          nowMs: this.clock.now(),
          ...(key === undefined ? {} : { key }),
        }),
    };
  }

  /** The bucket key of a destination key. */
  private full(key: string): string {
    assertValidKey(this.name, key);
    return this.prefix + key;
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      const first = this.ctx.fail(err, 'check');
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== 403) throw first;
      // HEAD answers carry no error code; a listing tells wrong credentials from missing permission.
      try {
        await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            MaxKeys: 1,
            ...(this.prefix ? { Prefix: this.prefix } : {}),
          }),
        );
      } catch (listErr) {
        throw this.ctx.fail(listErr, 'check');
      }
    }
  }

  async put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    const full = this.full(key);
    const storageClass = opts.temporary ? undefined : (opts.storageClass ?? this.storageClass);
    await uploadObject(this.ctx, full, body, opts, storageClass, this.upload);
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const full = this.full(key);
    if (range?.length === 0) {
      await this.stat(key);
      return Readable.from([]);
    }
    const wanted =
      range && (range.offset > 0 || range.length !== undefined)
        ? `bytes=${range.offset}-${range.length === undefined ? '' : range.offset + range.length - 1}`
        : undefined;
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: full, ...(wanted ? { Range: wanted } : {}) }),
      );
      if (!(out.Body instanceof Readable)) throw new Error('GetObject returned no readable body');
      return guardedBody(
        out.Body,
        out.ContentLength,
        (err) => this.ctx.fail(err, 'get', full),
        (got, expected) =>
          integrityError(this.ctx, 'get', full, `the body ended after ${got} of ${expected} bytes`),
      );
    } catch (err) {
      throw this.ctx.fail(err, 'get', full);
    }
  }

  async stat(key: string): Promise<ObjectInfo> {
    const full = this.full(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: full }));
      const storageClass = out.StorageClass ?? 'STANDARD';
      return {
        key,
        size: out.ContentLength ?? 0,
        modifiedMs: out.LastModified?.getTime() ?? 0,
        storageClass,
        archived: isArchived(storageClass, out.Restore, out.ArchiveStatus),
      };
    } catch (err) {
      throw this.ctx.fail(err, 'stat', full);
    }
  }

  /**
   * RestoreObject for GLACIER / DEEP_ARCHIVE objects (Expedited is not offered for DEEP_ARCHIVE, so
   * `fast` falls back to Standard there). An object not archived, or already being restored, is left as is.
   */
  async requestRehydration(key: string, opts: RehydrationOptions): Promise<void> {
    const info = await this.stat(key);
    if (!info.archived) return;
    const full = this.full(key);
    const tier =
      opts.speed === 'fast' && info.storageClass !== 'DEEP_ARCHIVE'
        ? 'Expedited'
        : opts.speed === 'bulk'
          ? 'Bulk'
          : 'Standard';
    try {
      await this.client.send(
        new RestoreObjectCommand({
          Bucket: this.bucket,
          Key: full,
          RestoreRequest: { Days: Math.max(1, Math.round(opts.days)), GlacierJobParameters: { Tier: tier } },
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name === 'RestoreAlreadyInProgress') return;
      throw this.ctx.fail(err, 'requestRehydration', full);
    }
  }

  /**
   * `{ md5 }` from the ETag when it is the content's MD5 (single-part, unencrypted or SSE-S3).
   * Otherwise (multipart uploads, SSE-KMS) no stored digest exists and the object is read back to
   * compute `{ sha256 }`: the costly path, a full download.
   */
  async digest(key: string): Promise<Digests> {
    const full = this.full(key);
    let head;
    try {
      head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: full }));
    } catch (err) {
      throw this.ctx.fail(err, 'digest', full);
    }
    const etag = normalizeEtag(head.ETag);
    if (etagIsContentMd5(etag, head)) return { md5: etag };
    const sha = createHash('sha256');
    for await (const chunk of await this.get(key)) sha.update(chunk as Buffer);
    return { sha256: sha.digest('hex') };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            ...(this.prefix + prefix ? { Prefix: this.prefix + prefix } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (err) {
        throw this.ctx.fail(err, 'list', this.prefix + prefix);
      }
      for (const o of page.Contents ?? []) {
        if (!o.Key?.startsWith(this.prefix + prefix)) continue;
        const storageClass = o.StorageClass ?? 'STANDARD';
        yield {
          key: o.Key.slice(this.prefix.length),
          size: o.Size ?? 0,
          modifiedMs: o.LastModified?.getTime() ?? 0,
          storageClass,
          // Listings carry no restore status: an archive-class object counts as archived here.
          archived: isArchived(storageClass, undefined),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** CopyObject (UploadPartCopy above 5 GiB) to `to`, then DeleteObject `from`. */
  async promote(from: string, to: string): Promise<void> {
    const source = this.full(from);
    await copyObject(this.ctx, source, this.full(to), this.copy, this.storageClass);
    await this.deleteObject(source, 'promote');
  }

  /** A copy of the object onto itself in the new class: S3's documented way to change a class. */
  async setStorageClass(key: string, storageClass: string): Promise<void> {
    await changeClassInPlace(this.ctx, this.full(key), this.copy, storageClass);
  }

  async remove(key: string): Promise<void> {
    await this.deleteObject(this.full(key), 'remove');
  }

  private async deleteObject(full: string, op: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: full }));
    } catch (err) {
      const failure = this.ctx.fail(err, op, full);
      if (failure.kind !== 'not-found') throw failure;
    }
  }

  /**
   * Aborts multipart uploads under this destination's prefix started more than `olderThanMs` ago
   * (left by crashes or failed aborts; S3 bills their parts until then). Run it when no put of this
   * destination is in progress for that long, e.g. daily with a one-day threshold.
   */
  async abortStaleUploads(olderThanMs: number): Promise<AbortedUpload[]> {
    const aborted = await abortStaleUploads(this.ctx, this.prefix, olderThanMs, this.clock.now());
    return aborted.map((u) => ({ ...u, key: u.key.slice(this.prefix.length) }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
