import type { DestinationSummary } from '../model/destination.js';
import type { FileRecord } from '../model/file.js';
import type { SnapshotRef } from '../model/snapshot.js';
import type { StatusReport } from '../model/status.js';
import type { Wedding } from '../model/wedding.js';

/**
 * The whole contract between the engine's local API and the UI: every request, response and live
 * event. The UI depends on nothing else. All routes live under /api and need the per-run secret.
 */
export interface ApiRoutes {
  'GET /api/status': { response: StatusReport };
  'GET /api/weddings/:id': { response: WeddingDetail };
  'GET /api/weddings/:id/snapshots': { response: SnapshotRef[] };
  'POST /api/weddings': { body: NewWedding; response: Wedding };
  'GET /api/destinations': { response: DestinationSummary[] };
  'POST /api/backup-now': { response: { queued: number } };
  'POST /api/pause': { body: { paused: boolean }; response: { paused: boolean } };
  'POST /api/restore': { body: RestoreBody; response: RestoreSummary };
  'POST /api/verify': { body: { percent: number }; response: VerifySummary };
}

export interface NewWedding {
  couple: string;
  date: string | null;
  folders: string[];
}

export interface WeddingDetail {
  wedding: Wedding;
  files: (FileRecord & { copies: string[] })[];
}

export interface RestoreBody {
  wedding: string;
  snapshot?: string;
  include?: string[];
  target: string;
  overwrite?: boolean;
  from?: string;
}

export interface RestoreSummary {
  snapshot: SnapshotRef;
  from: string;
  restored: number;
  bytes: number;
  existing: string[];
  refused: { path: string; reason: string }[];
  failed: { path: string; reason: string }[];
  archived: { path: string; destination: string; requested: boolean }[];
}

export interface VerifySummary {
  checked: number;
  ok: number;
  missing: number;
  corrupt: number;
  requeued: number;
}

/** Live events on GET /api/events (server-sent events; `event:` is the type, `data:` the JSON). */
export type ApiEvent =
  | { type: 'status'; status: StatusReport }
  | { type: 'file'; path: string; outcome: string }
  | { type: 'progress'; bytesRead: number; pendingBytes: number }
  | { type: 'problem'; message: string };

/** An error response body: `{ error }` with a message for a person. */
export interface ApiError {
  error: string;
}
