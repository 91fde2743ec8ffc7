import { createHash } from 'node:crypto';

/** An ETag without its quotes, lower-cased (`"ABC"` → `abc`). */
export function normalizeEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '').trim().toLowerCase();
}

/** True for the ETag of a single-part upload: the plain MD5 of the content, 32 hex digits. */
export function isPlainMd5(etag: string): boolean {
  return /^[0-9a-f]{32}$/.test(etag);
}

/** True for the ETag S3 gives a completed multipart upload: `md5(concat(part md5s))-N`. */
export function isMultipartEtag(etag: string): boolean {
  return /^[0-9a-f]{32}-\d+$/.test(etag);
}

/** The ETag S3 computes for a multipart upload made of parts with these (binary) MD5s. */
export function multipartEtag(partMd5s: readonly Buffer[]): string {
  const hash = createHash('md5');
  for (const md5 of partMd5s) hash.update(md5);
  return `${hash.digest('hex')}-${partMd5s.length}`;
}

/**
 * Whether the stored ETag is the content's MD5: not with SSE-KMS or SSE-C encryption, where S3 makes
 * the ETag opaque, and not for multipart uploads, whose ETag is a digest of part digests.
 */
export function etagIsContentMd5(etag: string, encryption: Encryption): boolean {
  return isPlainMd5(etag) && !opaqueEtag(encryption);
}

/** Encryption fields of an S3 response (HeadObject, PutObject, CompleteMultipartUpload, ...). */
export interface Encryption {
  ServerSideEncryption?: string | undefined;
  SSECustomerAlgorithm?: string | undefined;
}

/** With SSE-KMS or SSE-C, S3's ETags are not digests of the content. */
export function opaqueEtag(encryption: Encryption): boolean {
  return (
    Boolean(encryption.SSECustomerAlgorithm) || (encryption.ServerSideEncryption ?? '').startsWith('aws:kms')
  );
}

/**
 * Checks the ETag returned by CompleteMultipartUpload against what was sent: AWS, B2, Wasabi and MinIO
 * return `md5(concat(part md5s))-N`; some S3-compatible servers return the whole object's MD5 instead.
 * Returns a description of the mismatch, or undefined when the ETag matches or is opaque (encrypted).
 */
export function multipartEtagMismatch(
  etag: string,
  partMd5s: readonly Buffer[],
  wholeMd5Hex: string,
  encryption: Encryption,
): string | undefined {
  if (opaqueEtag(encryption)) return undefined;
  if (isMultipartEtag(etag)) {
    const want = multipartEtag(partMd5s);
    return etag === want ? undefined : `multipart ETag ${etag}, expected ${want}`;
  }
  if (isPlainMd5(etag)) {
    return etag === wholeMd5Hex ? undefined : `ETag ${etag}, expected the content MD5 ${wholeMd5Hex}`;
  }
  return undefined;
}
