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

/**
 * Where a file's capture time came from, most trusted first: the file's own `metadata` (EXIF or its
 * container's date), an XMP `sidecar` next to it, the camera's `folder-name` (DCIM date folders) or
 * `file-name`. Files without a time have none.
 */
export type CaptureSource = 'metadata' | 'sidecar' | 'folder-name' | 'file-name';

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
  /** Where `captureTime` came from; null when there is none (absent from older engines). */
  captureSource?: CaptureSource | null;
  state: FileState;
  error: string | null;
}
