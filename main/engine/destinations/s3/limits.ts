/** S3 allows at most 10,000 parts in a multipart upload. */
export const MAX_PARTS = 10_000;
/** Parts other than the last must be at least 5 MiB. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
