import { ListPartsCommand, type Part } from '@aws-sdk/client-s3';
import { normalizeEtag } from './etag.js';
import { parseResumeToken, type StoredPart } from './resume-token.js';
import { abortUpload, type S3Context } from './context.js';

/** An interrupted multipart upload that S3 still holds exactly as its resume token describes. */
export interface ResumableUpload {
  uploadId: string;
  /** Parts 1..n as stored; the body's bytes must still be checked against their MD5s. */
  parts: ListedPart[];
}

/** A part of the token that ListParts confirmed. */
export interface ListedPart extends StoredPart {
  /** The ETag exactly as ListParts gives it, for CompleteMultipartUpload. */
  listedEtag: string;
}

/**
 * The upload `token` names, when it can be continued for an object of `size` bytes under the bucket
 * key `key` in parts of `partSize`: the token parses, is for this key, has that part size (a token
 * made with other tuning is not adopted: the part size sets how much memory an upload holds) and no
 * more parts than `size` has, and ListParts shows
 * every recorded part with its recorded ETag and length. Undefined means "start over": an upload
 * that is gone (NoSuchUpload) needs nothing more; one that exists but does not match is aborted
 * (it is this key's and will never be completed). Other failures of ListParts (server unreachable)
 * are thrown, classified, so the caller's retry can still resume with the same token.
 */
export async function findResumableUpload(
  ctx: S3Context,
  key: string,
  token: string,
  size: number,
  partSize: number,
  signal: AbortSignal | undefined,
): Promise<ResumableUpload | undefined> {
  const parsed = parseResumeToken(token, key);
  if (!parsed) return undefined;
  const { uploadId, parts } = parsed;
  if (parsed.partSize !== partSize || parts.length > Math.ceil(size / partSize)) {
    await abortUpload(ctx, key, uploadId);
    return undefined;
  }
  let listed: Map<number, Part>;
  try {
    listed = await listParts(ctx, key, uploadId, parts.length, signal);
  } catch (err) {
    if ((err as { name?: unknown } | undefined)?.name === 'NoSuchUpload') return undefined;
    const failure = ctx.fail(err, 'put', key);
    if (failure.kind === 'not-found') return undefined;
    throw failure;
  }
  const confirmed: ListedPart[] = [];
  for (const part of parts) {
    const got = listed.get(part.partNumber);
    const length = Math.min(partSize, size - (part.partNumber - 1) * partSize);
    if (
      !got?.ETag ||
      normalizeEtag(got.ETag) !== part.etag ||
      (got.Size !== undefined && got.Size !== length)
    ) {
      await abortUpload(ctx, key, uploadId);
      return undefined;
    }
    confirmed.push({ ...part, listedEtag: got.ETag });
  }
  return { uploadId, parts: confirmed };
}

/** The stored parts of an upload by number, paging through ListParts until part `upTo` is covered. */
async function listParts(
  ctx: S3Context,
  key: string,
  uploadId: string,
  upTo: number,
  signal: AbortSignal | undefined,
): Promise<Map<number, Part>> {
  const found = new Map<number, Part>();
  let marker: string | undefined;
  for (;;) {
    const page = await ctx.client.send(
      new ListPartsCommand({
        Bucket: ctx.bucket,
        Key: key,
        UploadId: uploadId,
        ...(marker ? { PartNumberMarker: marker } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
    for (const part of page.Parts ?? []) if (part.PartNumber) found.set(part.PartNumber, part);
    const next = page.NextPartNumberMarker;
    if (!page.IsTruncated || !next || next === marker || Number(next) >= upTo) return found;
    marker = next;
  }
}
