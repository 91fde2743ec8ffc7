/** Schema 2: uploads in progress, so a large upload interrupted by a restart resumes where it stopped. */
export default `
CREATE TABLE uploads (
  path TEXT NOT NULL,
  destination TEXT NOT NULL,
  staging_key TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms INTEGER NOT NULL,
  ino TEXT NOT NULL,
  token TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (path, destination)
);
`;
