/**
 * Schema 8: where each file's capture time came from (`metadata` in the file, an XMP `sidecar`, the
 * camera's `folder-name` or `file-name`), shown in status; null for files read before this schema
 * (their times came from their own metadata, the only source then) and files with no time.
 */
export default `
ALTER TABLE files ADD COLUMN capture_source TEXT;
UPDATE files SET capture_source = 'metadata' WHERE capture_time IS NOT NULL;
`;
