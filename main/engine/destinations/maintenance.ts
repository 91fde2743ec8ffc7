import type { Destination } from './destination.js';
import { LocalDestination } from './local/local.js';
import { S3Destination } from './s3/s3.js';

/**
 * Provider-side housekeeping that has no place in the Destination interface: abandoned S3 multipart
 * uploads are billed until aborted, and a local folder's half-written files (from a crash) take space;
 * those older than `olderThanMs` are removed. Returns how many.
 */
export async function abortAbandonedUploads(
  dest: Destination,
  olderThanMs: number,
  nowMs: number,
): Promise<number> {
  if (dest instanceof S3Destination) return (await dest.abortStaleUploads(olderThanMs)).length;
  if (dest instanceof LocalDestination) return dest.removeAbandonedParts(olderThanMs, nowMs);
  return 0;
}
