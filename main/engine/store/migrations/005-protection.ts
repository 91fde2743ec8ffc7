/**
 * Schema 5: wedding-aware protection. Each wedding gets the photographer's own settings (delivered,
 * a residency such as EU, a policy override as JSON); each object records where placement wants it
 * and why; each failover incident records when the destination first failed, when it was declared
 * down and when every affected wedding met its target again.
 */
export default `
ALTER TABLE weddings ADD COLUMN delivered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE weddings ADD COLUMN residency TEXT;
ALTER TABLE weddings ADD COLUMN policy_override TEXT;

-- The current placement of each object: one row per destination it must be on, with the reason.
CREATE TABLE placements (
  hash TEXT NOT NULL REFERENCES objects(hash),
  destination TEXT NOT NULL,
  policy TEXT NOT NULL,
  reason TEXT NOT NULL,
  decided_at INTEGER NOT NULL,
  PRIMARY KEY (hash, destination)
);
CREATE INDEX placements_destination ON placements(destination);

-- "Were files of this wedding ingested today" (the critical policy) without scanning the wedding.
CREATE INDEX files_wedding_seen ON files(wedding_id, first_seen);

-- Objects whose placement cannot meet their policy now (no destination in the region, too few providers).
CREATE TABLE placement_shortfalls (
  hash TEXT PRIMARY KEY REFERENCES objects(hash),
  policy TEXT NOT NULL,
  shortfall TEXT NOT NULL,
  decided_at INTEGER NOT NULL
);

CREATE TABLE failovers (
  id INTEGER PRIMARY KEY,
  destination TEXT NOT NULL,
  -- The first failed call of the run of failures that took the destination down.
  failed_at INTEGER NOT NULL,
  down_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  -- Weddings that fell below their target because of it (JSON array of ids; null = unassigned files).
  weddings TEXT NOT NULL DEFAULT '[]',
  -- When every affected wedding met its target again on the other destinations; null while open.
  recovered_at INTEGER,
  -- When the destination itself came back.
  back_at INTEGER
);
CREATE INDEX failovers_open ON failovers(recovered_at);
`;
