/**
 * Schema 4: what was sent for each replica in an encrypted repository. Every upload there is a new age
 * encryption (a fresh file key), so each replica has its own bytes: their size and digests, computed
 * while sending, are what the destination's own digest is compared with after the upload and at every
 * scrub, without downloading. Plain repositories have no rows here (their object is the content).
 */
export default `
CREATE TABLE replica_ciphertexts (
  hash TEXT NOT NULL REFERENCES objects(hash),
  destination TEXT NOT NULL,
  size INTEGER NOT NULL,
  md5 TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (hash, destination)
);
`;
