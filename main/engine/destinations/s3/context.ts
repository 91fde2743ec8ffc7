import { AbortMultipartUploadCommand, DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DestinationError } from '../errors.js';

/** What the S3 operation helpers (upload, copy, cleanup) share with the destination. */
export interface S3Context {
  readonly client: S3Client;
  /** The destination's name, prefixing every error message. */
  readonly name: string;
  readonly bucket: string;
  /** Classifies any error of a call on `key` (a full key; omitted for bucket calls). */
  fail(err: unknown, op: string, key?: string): DestinationError;
}

/** An `integrity` error for `key`, in the same message shape as classified provider errors. */
export function integrityError(ctx: S3Context, op: string, key: string, text: string): DestinationError {
  return new DestinationError('integrity', ctx.name, `${op} ${ctx.bucket}/${key}: ${text}`);
}

/**
 * Removes an object that failed verification after it was stored, so nothing damaged is left under
 * its key. A failure to remove is reported inside the original error's message by the caller.
 */
export async function removeDamaged(ctx: S3Context, key: string): Promise<string> {
  try {
    await ctx.client.send(new DeleteObjectCommand({ Bucket: ctx.bucket, Key: key }));
    return 'the object was removed';
  } catch (err) {
    return `removing it failed too (${ctx.fail(err, 'remove', key).message})`;
  }
}

/**
 * Aborts a multipart upload so its parts are deleted (S3 bills stored parts until then). A failure
 * here is not reported over the original error: `abortStaleUploads` cleans up what is left.
 */
export async function abortUpload(ctx: S3Context, key: string, uploadId: string): Promise<void> {
  try {
    await ctx.client.send(
      new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }),
    );
  } catch {
    // Left for abortStaleUploads; the caller reports the error that made it abort.
  }
}
