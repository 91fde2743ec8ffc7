import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type StorageClass,
} from '@aws-sdk/client-s3';
import type { Digests, PutOptions } from '../destination.js';
import type { DestinationErrorKind } from '../errors.js';
import { BoundedTasks } from './bounded-tasks.js';
import { abortUpload, integrityError, removeDamaged, type S3Context } from './context.js';
import { etagIsContentMd5, isPlainMd5, multipartEtagMismatch, normalizeEtag, opaqueEtag } from './etag.js';
import { MAX_PARTS, MIN_PART_SIZE } from './limits.js';
import { findResumableUpload, type ListedPart } from './resume.js';
import { Checkpoints } from './resume-token.js';
import { isSourceFailure, sourceChunks } from './source.js';

/** How objects are cut into parts; see the defaults in s3.ts for the reasoning. */
export interface UploadPlan {
  /** Objects up to this size go up as one PutObject; larger ones as parts of (at least) this size. */
  partSize: number;
  /** Parts sent at once; memory use is about (queueSize + 1) × part size per upload. */
  queueSize: number;
}

const MiB = 1024 * 1024;

/** The part size for an object of `size` bytes: the planned size, grown in whole MiB to fit 10,000 parts. */
export function partSizeFor(size: number, planned: number): number {
  const needed = Math.ceil(size / MAX_PARTS / MiB) * MiB;
  return Math.max(planned, needed, MIN_PART_SIZE);
}

/**
 * Stores `body` under the full key `key`, verified: the byte count must equal `opts.size`, the expected
 * digests must match, and every request carries Content-MD5 so S3 refuses a damaged transfer; the
 * returned ETags are checked against the MD5s sent. Fails with `integrity` leaving nothing under the key.
 * Only multipart uploads are resumable; a single PutObject ignores `opts.resume`.
 */
export async function uploadObject(
  ctx: S3Context,
  key: string,
  body: Readable,
  opts: PutOptions,
  storageClass: string | undefined,
  plan: UploadPlan,
): Promise<void> {
  if (opts.size <= plan.partSize) await putSingle(ctx, key, body, opts, storageClass);
  else await putMultipart(ctx, key, body, opts, storageClass, plan);
}

function tooLong(ctx: S3Context, key: string, size: number): Error {
  return integrityError(ctx, 'put', key, `the body is longer than the announced ${size} bytes`);
}

function tooShort(ctx: S3Context, key: string, got: number, size: number): Error {
  return integrityError(ctx, 'put', key, `the body yielded ${got} bytes, expected ${size}`);
}

/** Compares the digests computed while reading with `opts.expect`, before anything is committed. */
function checkExpected(ctx: S3Context, key: string, expect: Digests | undefined, got: Digests): void {
  for (const alg of ['sha256', 'md5'] as const) {
    const want = expect?.[alg]?.toLowerCase();
    if (want && want !== got[alg]) {
      throw integrityError(ctx, 'put', key, `${alg} mismatch (expected ${want}, the body has ${got[alg]})`);
    }
  }
}

/** One PutObject: the body is buffered (at most one part size) so its MD5 can go in Content-MD5. */
async function putSingle(
  ctx: S3Context,
  key: string,
  body: Readable,
  opts: PutOptions,
  storageClass: string | undefined,
): Promise<void> {
  const chunks: Buffer[] = [];
  const md5 = createHash('md5');
  const sha = opts.expect?.sha256 ? createHash('sha256') : undefined;
  let total = 0;
  for await (const chunk of sourceChunks(ctx, key, body, opts.signal)) {
    total += chunk.length;
    if (total > opts.size) throw tooLong(ctx, key, opts.size);
    chunks.push(chunk);
    md5.update(chunk);
    sha?.update(chunk);
  }
  if (total !== opts.size) throw tooShort(ctx, key, total, opts.size);
  const md5Bin = md5.digest();
  const md5Hex = md5Bin.toString('hex');
  checkExpected(ctx, key, opts.expect, { md5: md5Hex, ...(sha ? { sha256: sha.digest('hex') } : {}) });

  let out;
  try {
    out = await ctx.client.send(
      new PutObjectCommand({
        Bucket: ctx.bucket,
        Key: key,
        Body: Buffer.concat(chunks, total),
        ContentLength: total,
        ContentMD5: md5Bin.toString('base64'),
        ...(storageClass ? { StorageClass: storageClass as StorageClass } : {}),
      }),
      opts.signal ? { abortSignal: opts.signal } : {},
    );
  } catch (err) {
    throw ctx.fail(err, 'put', key);
  }
  const etag = normalizeEtag(out.ETag);
  if (etagIsContentMd5(etag, out) && etag !== md5Hex) {
    const removed = await removeDamaged(ctx, key);
    throw integrityError(ctx, 'put', key, `stored ETag ${etag} is not the MD5 sent (${md5Hex}); ${removed}`);
  }
}

/** Failures after which a resumable upload is kept for its token: the same bytes may go through later. */
const KEPT_FOR_RESUME: ReadonlySet<DestinationErrorKind> = new Set(['transient', 'unavailable', 'throttled']);

async function createUpload(
  ctx: S3Context,
  key: string,
  storageClass: string | undefined,
  signal: AbortSignal | undefined,
): Promise<string> {
  let uploadId: string | undefined;
  try {
    const created = await ctx.client.send(
      new CreateMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: key,
        ...(storageClass ? { StorageClass: storageClass as StorageClass } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
    uploadId = created.UploadId;
  } catch (err) {
    throw ctx.fail(err, 'put', key);
  }
  if (!uploadId) throw ctx.fail(new Error('CreateMultipartUpload returned no UploadId'), 'put', key);
  return uploadId;
}

/**
 * Multipart upload: parts of `partSizeFor(size)` bytes with per-part Content-MD5, `queueSize` at once.
 * Nothing is visible under the key until CompleteMultipartUpload, which is only sent once the length
 * and digests are verified; without `opts.resume`, any failure aborts the upload so no parts are
 * left (or billed).
 *
 * With `opts.resume`, each part that extends the unbroken run of stored parts from part 1 emits a
 * token (resume-token.ts; a prefix, so at most `queueSize - 1` parts finished past a gap are sent
 * again on resume, and a resume simply reads the body in order). A failure that may pass
 * (`transient`, `unavailable`, `throttled`) then keeps the upload when it has stored parts, for the
 * token; a failing body first lets the parts in flight finish, since their bytes were read whole.
 * Given `opts.resume.token` (see resume.ts), the body is still read from the start and every byte
 * counted and hashed as in a fresh put; each part the upload holds is sent only if its MD5 differs.
 * At the first part that differs the body has changed: from there on every part is sent again
 * (the parts before it hold this body's own bytes, checked), and when that is part 1 the old upload
 * is aborted and a new one begun, exactly a fresh put. Completion checks every part as usual.
 */
async function putMultipart(
  ctx: S3Context,
  key: string,
  body: Readable,
  opts: PutOptions,
  storageClass: string | undefined,
  plan: UploadPlan,
): Promise<void> {
  const partSize = partSizeFor(opts.size, plan.partSize);
  const resume = opts.resume;
  const resumed = resume?.token
    ? await findResumableUpload(ctx, key, resume.token, opts.size, partSize, opts.signal)
    : undefined;
  let uploadId = resumed?.uploadId ?? (await createUpload(ctx, key, storageClass, opts.signal));
  /** Parts an earlier attempt stored, to check against the body; dropped at the first difference. */
  let earlier: ListedPart[] = resumed?.parts ?? [];
  const checkpointsFor = (id: string) =>
    resume ? new Checkpoints(id, key, partSize, (token) => resume.onCheckpoint(token)) : undefined;
  let checkpoints = checkpointsFor(uploadId);

  const tasks = new BoundedTasks(plan.queueSize, opts.signal);
  const parts: CompletedPart[] = [];
  const partMd5s: Buffer[] = [];
  const sendPart = (partNumber: number, data: Buffer) =>
    tasks.add(async (signal) => {
      const md5 = createHash('md5').update(data).digest();
      partMd5s[partNumber - 1] = md5;
      const out = await ctx.client.send(
        new UploadPartCommand({
          Bucket: ctx.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: data,
          ContentLength: data.length,
          ContentMD5: md5.toString('base64'),
        }),
        { abortSignal: signal },
      );
      const etag = normalizeEtag(out.ETag);
      if (!opaqueEtag(out) && isPlainMd5(etag) && etag !== md5.toString('hex')) {
        throw integrityError(
          ctx,
          'put',
          key,
          `part ${partNumber} stored with ETag ${etag}, sent MD5 ${md5.toString('hex')}`,
        );
      }
      parts[partNumber - 1] = { PartNumber: partNumber, ETag: out.ETag };
      checkpoints?.stored({ partNumber, md5: md5.toString('hex'), etag });
    });
  /** Sends part `partNumber`, unless the resumed upload already holds exactly these bytes. */
  const handlePart = async (partNumber: number, data: Buffer) => {
    const prior = earlier[partNumber - 1];
    if (prior) {
      const md5 = createHash('md5').update(data).digest();
      if (md5.toString('hex') === prior.md5) {
        partMd5s[partNumber - 1] = md5;
        parts[partNumber - 1] = { PartNumber: partNumber, ETag: prior.listedEtag };
        checkpoints?.stored(prior, false);
        return;
      }
      earlier = [];
      if (partNumber === 1) {
        await abortUpload(ctx, key, uploadId);
        uploadId = await createUpload(ctx, key, storageClass, opts.signal);
        checkpoints = checkpointsFor(uploadId);
      }
    }
    await sendPart(partNumber, data);
  };

  try {
    const whole: { md5: Hash; sha?: Hash } = { md5: createHash('md5') };
    if (opts.expect?.sha256) whole.sha = createHash('sha256');
    let buf = Buffer.allocUnsafe(partSize);
    let fill = 0;
    let total = 0;
    let partNumber = 0;
    for await (const chunk of sourceChunks(ctx, key, body, tasks.signal)) {
      total += chunk.length;
      if (total > opts.size) throw tooLong(ctx, key, opts.size);
      whole.md5.update(chunk);
      whole.sha?.update(chunk);
      for (let off = 0; off < chunk.length;) {
        const take = Math.min(partSize - fill, chunk.length - off);
        chunk.copy(buf, fill, off, off + take);
        fill += take;
        off += take;
        if (fill === partSize) {
          await handlePart(++partNumber, buf);
          buf = Buffer.allocUnsafe(partSize);
          fill = 0;
        }
      }
    }
    if (total !== opts.size) throw tooShort(ctx, key, total, opts.size);
    if (fill > 0) await handlePart(++partNumber, buf.subarray(0, fill));
    await tasks.drain();
    const wholeMd5 = whole.md5.digest('hex');
    checkExpected(ctx, key, opts.expect, {
      md5: wholeMd5,
      ...(whole.sha ? { sha256: whole.sha.digest('hex') } : {}),
    });

    const done = await ctx.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
      opts.signal ? { abortSignal: opts.signal } : {},
    );
    const mismatch = multipartEtagMismatch(normalizeEtag(done.ETag), partMd5s, wholeMd5, done);
    if (mismatch) {
      const removed = await removeDamaged(ctx, key);
      throw integrityError(
        ctx,
        'put',
        key,
        `the stored object does not match what was sent: ${mismatch}; ${removed}`,
      );
    }
  } catch (err) {
    // A failed part aborts the shared signal, which also cuts the source read: report the part's error.
    const cause = tasks.firstFailure ?? err;
    if (checkpoints && isSourceFailure(cause) && !opts.signal?.aborted) {
      // Resumable: the parts in flight hold bytes read whole; once stored, a resume need not resend them.
      await tasks.drain().catch(() => undefined);
    }
    await tasks.cancel();
    const failure = ctx.fail(cause, 'put', key);
    const keep =
      checkpoints !== undefined &&
      (checkpoints.durable > 0 || earlier.length > 0) &&
      KEPT_FOR_RESUME.has(failure.kind);
    if (!keep) await abortUpload(ctx, key, uploadId);
    throw failure;
  }
}
