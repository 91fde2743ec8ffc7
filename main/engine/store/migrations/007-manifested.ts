/**
 * Schema 7: which file version each destination's latest manifest names. A copy only counts as
 * restorable (and so towards "protected") once a manifest naming the file is stored with it.
 * Existing databases are filled from their latest snapshots: a file is named there when its content
 * is stored there and it did not change after that snapshot was written.
 */
export default `
CREATE TABLE manifested (
  destination TEXT NOT NULL,
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  PRIMARY KEY (destination, file_id)
) WITHOUT ROWID;
CREATE INDEX manifested_file ON manifested(file_id);

INSERT OR IGNORE INTO manifested (destination, file_id, hash)
SELECT s.destination, f.id, f.hash
FROM snapshots s
JOIN files f ON f.wedding_id IS s.wedding_id AND f.hash IS NOT NULL AND f.updated_at <= s.created_at
JOIN replicas r ON r.hash = f.hash AND r.destination = s.destination AND r.state = 'stored'
WHERE s.id = (SELECT s2.id FROM snapshots s2 WHERE s2.wedding_id IS s.wedding_id AND s2.destination = s.destination
              ORDER BY s2.created_at DESC, s2.id DESC LIMIT 1);
`;
