import type { Destination } from './destination.js';
import { S3Destination } from './s3/s3.js';

/**
 * Provider-side housekeeping that has no place in the Destination interface: abandoned S3 multipart
 * uploads are billed until aborted, so those older than `olderThanMs` are aborted. Returns how many.
 */
export async function abortAbandonedUploads(dest: Destination, olderThanMs: number): Promise<number> {
  if (dest instanceof S3Destination) return (await dest.abortStaleUploads(olderThanMs)).length;
  return 0;
}
