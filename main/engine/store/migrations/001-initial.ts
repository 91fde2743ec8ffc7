/** Schema 1: folders, weddings, files, content objects, replicas, snapshots and the job queue. */
export default `
CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('weddings', 'import')),
  added_at INTEGER NOT NULL
);

CREATE TABLE weddings (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  couple TEXT NOT NULL,
  date TEXT,
  source TEXT NOT NULL CHECK (source IN ('folder', 'user')),
  created_at INTEGER NOT NULL
);

-- Folders whose files belong to a wedding: its own folder under a weddings root, or folders the user named.
CREATE TABLE wedding_folders (
  path TEXT PRIMARY KEY,
  wedding_id INTEGER NOT NULL REFERENCES weddings(id) ON DELETE CASCADE
);

-- One row per distinct content (SHA-256). Renames and duplicate imports point at the same row.
CREATE TABLE objects (
  hash TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  md5 TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX objects_size ON objects(size);

-- One row per path seen in a watched folder. hash is valid only while size/mtime/ino equal hashed_*.
CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  wedding_id INTEGER REFERENCES weddings(id) ON DELETE SET NULL,
  rel_path TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms INTEGER NOT NULL,
  ino TEXT,
  dev TEXT,
  hash TEXT REFERENCES objects(hash),
  hashed_size INTEGER,
  hashed_mtime_ms INTEGER,
  hashed_ino TEXT,
  capture_time TEXT,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'protected', 'failed', 'skipped', 'deleted')),
  error TEXT,
  first_seen INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX files_wedding ON files(wedding_id, state);
CREATE INDEX files_hash ON files(hash);
CREATE INDEX files_inode ON files(dev, ino);
CREATE INDEX files_folder ON files(folder_id);

-- Where each object is stored. Only 'stored' rows count towards protection.
CREATE TABLE replicas (
  hash TEXT NOT NULL REFERENCES objects(hash),
  destination TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('stored', 'missing', 'corrupt')),
  stored_at INTEGER NOT NULL,
  verified_at INTEGER,
  PRIMARY KEY (hash, destination)
);
CREATE INDEX replicas_destination ON replicas(destination, state);

-- Snapshot manifests written to each destination (the manifests themselves are the source of truth).
-- wedding_id NULL: the snapshot of unassigned files.
CREATE TABLE snapshots (
  id INTEGER PRIMARY KEY,
  wedding_id INTEGER REFERENCES weddings(id) ON DELETE CASCADE,
  destination TEXT NOT NULL,
  snapshot_id TEXT NOT NULL,
  manifest_key TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  files INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (destination, manifest_key)
);
CREATE INDEX snapshots_wedding ON snapshots(wedding_id, destination, created_at);

-- Durable work queue. A job is deleted when done; 'running' jobs whose lease expired are taken again.
-- rerun = 1 means the subject changed while the job ran: it is queued again instead of deleted.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running')),
  attempts INTEGER NOT NULL DEFAULT 0,
  run_after INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  rerun INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (kind, subject)
);
CREATE INDEX jobs_ready ON jobs(state, run_after);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;
