import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type HeadObjectCommandOutput,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { DestinationError } from '../errors.js';
import { BoundedTasks } from './bounded-tasks.js';
import { abortUpload, integrityError, removeDamaged, type S3Context } from './context.js';
import { etagIsContentMd5, normalizeEtag } from './etag.js';
import { MAX_PARTS } from './limits.js';

/** How large objects are copied; see the defaults in s3.ts. */
export interface CopyPlan {
  /** CopyObject copies at most 5 GiB; larger objects are copied with UploadPartCopy. */
  maxSingleCopy: number;
  /** Part size for UploadPartCopy (grown to fit 10,000 parts). */
  copyPartSize: number;
  /** Parts copied at once. */
  queueSize: number;
}

/** The x-amz-copy-source value: `bucket/key`, URL-encoded except for the slashes. */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Copies the full key `from` to `to` inside the bucket, atomically (the copy appears whole or not at
 * all), in `targetClass` or else the source's storage class. Fails with `not-found` when `from` does not exist.
 */
export async function copyObject(
  ctx: S3Context,
  from: string,
  to: string,
  plan: CopyPlan,
  targetClass?: string,
): Promise<void> {
  let head: HeadObjectCommandOutput;
  try {
    head = await ctx.client.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: from }));
  } catch (err) {
    throw ctx.fail(err, 'promote', from);
  }
  const size = head.ContentLength ?? 0;
  // HeadObject names the class only when it is not STANDARD; one-class providers (B2, Wasabi) get
  // no StorageClass header, and a copy without one would silently land in STANDARD on AWS.
  const storageClass = targetClass
    ? (targetClass as StorageClass)
    : head.StorageClass && head.StorageClass !== 'STANDARD'
      ? (head.StorageClass as StorageClass)
      : undefined;
  if (size <= plan.maxSingleCopy) await copyWhole(ctx, from, to, head, storageClass);
  else await copyInParts(ctx, from, to, head, size, storageClass, plan);
}

async function copyWhole(
  ctx: S3Context,
  from: string,
  to: string,
  head: HeadObjectCommandOutput,
  storageClass: StorageClass | undefined,
): Promise<void> {
  let out;
  try {
    out = await ctx.client.send(
      new CopyObjectCommand({
        Bucket: ctx.bucket,
        Key: to,
        CopySource: copySource(ctx.bucket, from),
        ...(head.ETag ? { CopySourceIfMatch: head.ETag } : {}),
        ...(storageClass ? { StorageClass: storageClass } : {}),
      }),
    );
  } catch (err) {
    throw ctx.fail(err, 'promote', from);
  }
  const sourceEtag = normalizeEtag(head.ETag);
  const copyEtag = normalizeEtag(out.CopyObjectResult?.ETag);
  if (etagIsContentMd5(sourceEtag, head) && etagIsContentMd5(copyEtag, out) && sourceEtag !== copyEtag) {
    const removed = await removeDamaged(ctx, to);
    throw integrityError(
      ctx,
      'promote',
      to,
      `the copy has ETag ${copyEtag}, the source ${sourceEtag}; ${removed}`,
    );
  }
}

/**
 * UploadPartCopy for objects over the CopyObject limit (5 GiB): ranges of `copyPartSize` copied
 * server-side, guarded by the source's ETag so a source replaced meanwhile fails the copy.
 */
async function copyInParts(
  ctx: S3Context,
  from: string,
  to: string,
  head: HeadObjectCommandOutput,
  size: number,
  storageClass: StorageClass | undefined,
  plan: CopyPlan,
): Promise<void> {
  const partSize = Math.max(plan.copyPartSize, Math.ceil(size / MAX_PARTS));
  let uploadId: string | undefined;
  try {
    const created = await ctx.client.send(
      new CreateMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: to,
        ...(head.ContentType ? { ContentType: head.ContentType } : {}),
        ...(head.Metadata ? { Metadata: head.Metadata } : {}),
        ...(storageClass ? { StorageClass: storageClass } : {}),
      }),
    );
    uploadId = created.UploadId;
  } catch (err) {
    throw ctx.fail(err, 'promote', to);
  }
  if (!uploadId) throw ctx.fail(new Error('CreateMultipartUpload returned no UploadId'), 'promote', to);

  const tasks = new BoundedTasks(plan.queueSize);
  const parts: CompletedPart[] = [];
  try {
    for (let offset = 0, partNumber = 1; offset < size; offset += partSize, partNumber++) {
      const range = `bytes=${offset}-${Math.min(offset + partSize, size) - 1}`;
      const n = partNumber;
      await tasks.add(async (signal) => {
        const out = await ctx.client.send(
          new UploadPartCopyCommand({
            Bucket: ctx.bucket,
            Key: to,
            UploadId: uploadId,
            PartNumber: n,
            CopySource: copySource(ctx.bucket, from),
            CopySourceRange: range,
            ...(head.ETag ? { CopySourceIfMatch: head.ETag } : {}),
          }),
          { abortSignal: signal },
        );
        parts[n - 1] = { PartNumber: n, ETag: out.CopyPartResult?.ETag };
      });
    }
    await tasks.drain();
    await ctx.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: to,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (err) {
    const cause = tasks.firstFailure ?? err;
    await tasks.cancel();
    await abortUpload(ctx, to, uploadId);
    throw ctx.fail(cause, 'promote', from);
  }
  const copied = await ctx.client
    .send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: to }))
    .catch((err: unknown) => Promise.reject(ctx.fail(err, 'promote', to)));
  if (copied.ContentLength !== size) {
    const removed = await removeDamaged(ctx, to);
    throw integrityError(
      ctx,
      'promote',
      to,
      `the copy has ${copied.ContentLength} bytes, the source ${size}; ${removed}`,
    );
  }
}

/**
 * Moves the object under the full key `key` to `storageClass` in place: CopyObject onto itself with
 * the new class, its content type and user metadata sent again (`MetadataDirective: REPLACE`, which
 * S3-compatible servers such as s3rver need to accept a copy onto the same key). Guarded by the
 * object's ETag. Objects over CopyObject's 5 GiB limit are refused (`permanent`): a multipart copy
 * onto the same key could, on failure, leave it damaged, so they stay in their class.
 */
export async function changeClassInPlace(
  ctx: S3Context,
  key: string,
  plan: CopyPlan,
  storageClass: string,
): Promise<void> {
  let head: HeadObjectCommandOutput;
  try {
    head = await ctx.client.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }));
  } catch (err) {
    throw ctx.fail(err, 'setStorageClass', key);
  }
  if ((head.ContentLength ?? 0) > plan.maxSingleCopy) {
    throw new DestinationError(
      'permanent',
      ctx.name,
      `${key} is larger than one server-side copy (5 GiB): it stays in ${head.StorageClass ?? 'STANDARD'}`,
    );
  }
  let out;
  try {
    out = await ctx.client.send(
      new CopyObjectCommand({
        Bucket: ctx.bucket,
        Key: key,
        CopySource: copySource(ctx.bucket, key),
        ...(head.ETag ? { CopySourceIfMatch: head.ETag } : {}),
        StorageClass: storageClass as StorageClass,
        MetadataDirective: 'REPLACE',
        ...(head.ContentType ? { ContentType: head.ContentType } : {}),
        ...(head.Metadata ? { Metadata: head.Metadata } : {}),
      }),
    );
  } catch (err) {
    throw ctx.fail(err, 'setStorageClass', key);
  }
  const before = normalizeEtag(head.ETag);
  const after = normalizeEtag(out.CopyObjectResult?.ETag);
  if (etagIsContentMd5(before, head) && etagIsContentMd5(after, out) && before !== after)
    throw integrityError(ctx, 'setStorageClass', key, `the copy has ETag ${after}, the object had ${before}`);
}
