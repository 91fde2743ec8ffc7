/**
 * Schema 3: the append-only audit trail. Triggers refuse every UPDATE and DELETE, so no code path
 * (ours or a hand-run SQL statement) can rewrite history. `wedding_id` has no foreign key on purpose:
 * the trail outlives deleted weddings, and an ON DELETE action would be an UPDATE the trigger refuses.
 * `kind` is checked by the code, not by a CHECK constraint, so adding a kind needs no table rebuild.
 */
export default `
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  wedding_id INTEGER,
  destination TEXT,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE INDEX audit_events_wedding ON audit_events(wedding_id, at);
CREATE INDEX audit_events_destination ON audit_events(destination, at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only: entries cannot be changed');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only: entries cannot be removed');
END;
`;
