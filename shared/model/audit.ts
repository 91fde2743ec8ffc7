/** What an audit event records: every action Keepsake takes on the photographer's data. */
export type AuditKind =
  | 'backup'
  | 'verify'
  | 'restore'
  | 'failover'
  | 'placement'
  | 'deletion'
  | 'destination-state'
  /** The cost optimizer moved a wedding's copies at a destination to another storage class. */
  | 'storage-class';

/** One entry of the append-only audit trail. Entries are never changed or removed. */
export interface AuditEvent {
  /** Increasing with time of recording, never reused. */
  id: number;
  /** When it was recorded, in clock milliseconds since the epoch. */
  at: number;
  kind: AuditKind;
  weddingId: number | null;
  destination: string | null;
  /** What it is about in a few words: a file path, a snapshot, a destination's new state. */
  subject: string;
  /** Structured facts (counts, hashes, reasons); JSON, never credentials. */
  detail: Record<string, unknown>;
}

/** What a caller supplies to record an event; id and time are assigned by the trail. */
export interface AuditEventInput {
  kind: AuditKind;
  subject: string;
  weddingId?: number | null;
  destination?: string | null;
  detail?: Record<string, unknown>;
}

/** A selection of the audit trail. `since` is inclusive, `until` exclusive (clock ms). */
export interface AuditQuery {
  weddingId?: number;
  destination?: string;
  kinds?: readonly AuditKind[];
  since?: number;
  until?: number;
  /** Most events returned. */
  limit: number;
  /** `desc` (default): newest first; `asc`: oldest first. */
  order?: 'asc' | 'desc';
}
