/** Where a watched file stands in its journey to its destinations. */
export type FileState =
  /** Seen, not yet (fully) stored at its target destinations. */
  | 'pending'
  /** Stored and verified on as many destinations as its protection target asks. */
  | 'protected'
  /** Tried and failed at least 3 times; still retried, with the reason in `error`. */
  | 'failed'
  /** Deliberately not backed up (symlink, non-UTF-8 name); the reason is in `error`. */
  | 'skipped'
  /** Gone from disk. Its stored copies and snapshots stay. */
  | 'deleted';

export interface FileRecord {
  id: number;
  path: string;
  /** Path relative to the wedding folder (or the import folder), with `/` separators. */
  relPath: string;
  weddingId: number | null;
  size: number;
  mtimeMs: number;
  hash: string | null;
  /** Capture time from EXIF as an ISO string, when known. */
  captureTime: string | null;
  state: FileState;
  error: string | null;
}
