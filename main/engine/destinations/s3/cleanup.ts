import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandOutput,
} from '@aws-sdk/client-s3';
import type { S3Context } from './context.js';

/** One multipart upload that `abortStaleUploads` aborted. */
export interface AbortedUpload {
  /** Key the upload was writing (S3Destination reports it relative to its prefix). */
  key: string;
  uploadId: string;
  initiatedMs: number;
}

/**
 * Aborts the multipart uploads under `prefix` started more than `olderThanMs` before `nowMs`: uploads
 * left by a crash or a failed abort, whose stored parts S3 bills until they are aborted. Uploads
 * younger than that may still be in progress and are left alone.
 */
export async function abortStaleUploads(
  ctx: S3Context,
  prefix: string,
  olderThanMs: number,
  nowMs: number,
): Promise<AbortedUpload[]> {
  const aborted: AbortedUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    let page: ListMultipartUploadsCommandOutput;
    try {
      page = await ctx.client.send(
        new ListMultipartUploadsCommand({
          Bucket: ctx.bucket,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
        }),
      );
    } catch (err) {
      throw ctx.fail(err, 'list uploads', prefix);
    }
    for (const upload of page.Uploads ?? []) {
      const { Key: key, UploadId: uploadId, Initiated: initiated } = upload;
      if (!key || !uploadId || !initiated || !key.startsWith(prefix)) continue;
      if (nowMs - initiated.getTime() < olderThanMs) continue;
      try {
        await ctx.client.send(
          new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }),
        );
      } catch (err) {
        // Already gone (completed or aborted meanwhile) is what we wanted.
        if ((err as { name?: unknown } | undefined)?.name === 'NoSuchUpload') continue;
        throw ctx.fail(err, 'abort upload', key);
      }
      aborted.push({ key, uploadId, initiatedMs: initiated.getTime() });
    }
    if (!page.IsTruncated) return aborted;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
    if (!keyMarker && !uploadIdMarker) return aborted;
  }
}
