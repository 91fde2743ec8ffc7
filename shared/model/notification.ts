/** What a notification is about: one kind per incident the user must hear of. */
export type NotificationKind =
  /** A destination stopped working (unreachable, bad credentials, full, ...). */
  | 'destination-down'
  /** A wedding has had fewer copies than the protection target for longer than allowed. */
  | 'below-target'
  /** A verify run found stored copies missing or damaged, or could not read a destination. */
  | 'verify-failed';

/** How urgent a notification is; desktop and chat channels may render them differently. */
export type NotificationSeverity = 'info' | 'warning' | 'critical';

/**
 * One message to the user about an incident: sent once when the incident opens and, if configured,
 * once when it is resolved. Plain language; never contains credentials, keys or webhook addresses.
 */
export interface Notification {
  /** Stable id of the incident, the same for its `opened` and `resolved` messages. */
  incident: string;
  kind: NotificationKind;
  phase: 'opened' | 'resolved';
  severity: NotificationSeverity;
  /** One short line, e.g. `Backup destination "NAS" is down`. */
  title: string;
  /** What happened and what to do, in a sentence or two. */
  message: string;
  /** When the message was made, in clock milliseconds since the epoch. */
  at: number;
  /** The destination concerned, when there is one. */
  destination?: string;
  /** The wedding concerned, when there is one. */
  weddingId?: number;
}
