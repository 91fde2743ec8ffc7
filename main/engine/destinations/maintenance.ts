import type { Destination } from './destination.js';
import { LocalDestination } from './local/local.js';
import { LazyDestination } from './lazy.js';

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
  const d = dest instanceof LazyDestination ? await dest.resolve() : dest;
  if (d instanceof LocalDestination) return d.removeAbandonedParts(olderThanMs, nowMs);
  // S3 (found by its method, so loading this module does not load the AWS SDK).
  const s3 = d as { abortStaleUploads?: (olderThanMs: number) => Promise<unknown[]> };
  if (typeof s3.abortStaleUploads === 'function') return (await s3.abortStaleUploads(olderThanMs)).length;
  return 0;
  return 0;
}
