/**
 * Schema 10: the storage class a stored copy was moved to by the cost optimizer, and since when (its
 * new class's minimum duration runs from then). Null: the destination's configured class since
 * `stored_at`.
 */
export default `
ALTER TABLE replicas ADD COLUMN storage_class TEXT;
ALTER TABLE replicas ADD COLUMN class_since INTEGER;
`;
