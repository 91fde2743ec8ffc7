import type { WeddingAnalysis } from '../model/analysis.js';
import type { StudioView } from '../model/studio.js';
import type { AppliedMove, OptimizationPlan } from '../model/optimize.js';
import type { AuditEvent } from '../model/audit.js';
import type { CostReport, RetrievalEstimate, RetrievalSpeed } from '../model/cost.js';
import type { DestinationKind, DestinationSummary } from '../model/destination.js';
import type { FileRecord } from '../model/file.js';
import type {
  DestinationHealth,
  EffectivePolicy,
  PolicyName,
  PolicyOverride,
  ProtectionRule,
} from '../model/policy.js';
import type { Manifest, SnapshotRef } from '../model/snapshot.js';
import type { StatusReport } from '../model/status.js';
import type { Wedding } from '../model/wedding.js';

/**
 * The whole contract between the engine's local API and the UI: every request, response and live
 * event. The UI depends on nothing else. All routes live under /api and need the per-run secret.
 * A route the engine does not serve answers 404 `no route …`; the UI then shows "not available yet".
 * Routes that change folders, destinations or settings save the config and replace the running engine
 * before they answer (requests meanwhile wait); a refused change is a 400 whose message says what to
 * fix, and leaves the config and the engine as they were.
 */
export interface ApiRoutes {
  'GET /api/status': { response: StatusReport };
  'GET /api/weddings/:id': { response: WeddingDetail };
  'GET /api/weddings/:id/snapshots': { response: SnapshotListing[] };
  /** The files of one snapshot (`latest` for the newest), as its manifest lists them. */
  'GET /api/weddings/:id/snapshots/:snapshot': { response: SnapshotContents };
  /** Every stored version of one file (the path URL-encoded as one segment), newest first. */
  'GET /api/weddings/:id/versions/:path': { response: FileVersion[] };
  /** Creates a wedding; already indexed loose imports of its day join it at once (`fromImports`). */
  'POST /api/weddings': { body: NewWedding; response: WeddingSaved };
  /** Changes a wedding's couple, date or folders; loose imports are sorted again at once. */
  'POST /api/weddings/:id': { body: WeddingUpdate; response: WeddingSaved };
  /** The preview JPEG embedded in a photo (EXIF thumbnail), base64; `null` data when it has none. */
  'GET /api/files/:id/preview': { response: FilePreview };
  'GET /api/folders': { response: WatchedFolder[] };
  'GET /api/destinations': { response: DestinationSummary[] };
  /** Write, read back, verify and delete a probe object, saying which step failed. */
  'POST /api/destinations/test': { body: DestinationTestBody; response: ConnectionTest };
  'GET /api/queue': { response: QueueReport };
  'GET /api/settings': { response: SettingsReport };
  'POST /api/backup-now': { response: { queued: number } };
  'POST /api/pause': { body: { paused: boolean }; response: { paused: boolean } };
  'POST /api/restore': { body: RestoreBody; response: RestoreSummary };
  'POST /api/verify': { body: { percent: number }; response: VerifySummary };
  'GET /api/health': { response: DestinationHealthReport[] };
  'GET /api/cost': { response: CostReport };
  'GET /api/audit': { response: AuditEvent[] };
  'GET /api/studio': { response: StudioView };
  /** The cost optimizer's plan: colder classes for cooling and cold weddings, with savings. */
  'GET /api/optimize': { response: OptimizationPlan };
  /** Carries out the plan as it stands now (progress as `optimize` events); answers what was moved. */
  'POST /api/optimize/apply': { body: Record<string, never>; response: OptimizationApplied };
  /** A wedding's protection policy now, its settings and how far it is from its target. */
  'GET /api/weddings/:id/policy': { response: WeddingPolicy };
  /**
   * What the wedding holds and how it is kept (`keepsake analyze`). The wedding screen asks once when
   * it opens, so this also records the opening (after answering: the answer says the time before).
   */
  'GET /api/weddings/:id/analysis': { response: WeddingAnalysis };
  /** Changes a wedding's settings (400 with the reason when refused); its files are placed again. */
  'POST /api/weddings/:id/policy': { body: WeddingPolicyChange; response: WeddingPolicy };

  /** Watches a folder (it must exist and not overlap a destination); answers the folders watched now. */
  'POST /api/folders': { body: NewFolder; response: WatchedFolder[] };
  /** Stops watching a folder; what was backed up stays in the destinations. */
  'POST /api/folders/remove': { body: { path: string }; response: WatchedFolder[] };
  /**
   * Adds a destination once it answers and passes the connection test (400 saying what failed
   * otherwise); encrypted by default on clouds. A new key's recovery key is in the answer, this once.
   */
  'POST /api/destinations': { body: NewDestination; response: AddedDestination };
  'POST /api/destinations/update': { body: DestinationUpdate; response: DestinationSummary };
  /** Stops backing up to a destination; nothing stored there is deleted. Its stored credentials go. */
  'POST /api/destinations/remove': { body: { name: string }; response: { removed: string } };
  /** What getting archived data back from a destination would cost and how long it takes. */
  'POST /api/cost/retrieval': { body: RetrievalQuery; response: RetrievalEstimate };
  /** Changes settings (the config's checks apply: 400 with the key and the reason); answers them after. */
  'POST /api/settings': { body: SettingsUpdate; response: SettingsReport };
}

/** A path of the API with its parameters filled in (`/api/weddings/3`), typed by its route. */
export type ApiGetRoute = Extract<keyof ApiRoutes, `GET ${string}`>;
export type ApiPostRoute = Extract<keyof ApiRoutes, `POST ${string}`>;

export interface NewWedding {
  couple: string;
  date: string | null;
  folders: string[];
}

/** What changes of a wedding: only the given fields; `folders` replaces its folders. */
export interface WeddingUpdate {
  couple?: string;
  date?: string | null;
  folders?: string[];
}

/**
 * A wedding after it was created or changed, with how many already indexed files it got from the
 * imports at once ("42 photos from your imports were added to this wedding").
 */
export interface WeddingSaved extends Wedding {
  fromImports: number;
}

export interface WeddingDetail {
  wedding: Wedding;
  files: (FileRecord & { copies: string[] })[];
}

/** One snapshot of a wedding with the destinations holding a manifest of that id. */
export interface SnapshotListing extends SnapshotRef {
  destinations: string[];
  /** The name of the device (laptop) that wrote it, when its device index is known; null otherwise. */
  deviceName: string | null;
}

/** One snapshot's manifest and the destination it was read from. */
export interface SnapshotContents {
  snapshot: SnapshotRef;
  from: string;
  manifest: Manifest;
}

/** One version of a file: its content in the snapshots that hold it (oldest and newest of them). */
export interface FileVersion {
  path: string;
  sha256: string;
  size: number;
  mtime: string;
  captureTime: string | null;
  /** Snapshot ids holding exactly this content at this path, newest first. */
  snapshots: string[];
}

export interface FilePreview {
  fileId: number;
  /** `image/jpeg` when a preview was found. */
  type: 'image/jpeg' | null;
  /** Base64 of the JPEG, or null when the file has no embedded preview (or is gone). */
  data: string | null;
}

export interface WatchedFolder {
  path: string;
  /** `weddings`: every sub-folder is one wedding. `import`: loose files, assigned by capture date. */
  kind: 'weddings' | 'import';
}

/** A folder to watch. */
export type NewFolder = WatchedFolder;

/** A destination as the user types it in; cloud secrets are sent only to add it, never read back. */
export interface NewDestination {
  name: string;
  kind: DestinationKind;
  /** Local folder (kind `local`). */
  path?: string;
  bucket?: string;
  container?: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  storageClass?: string;
  /** Region tags every copy here carries, e.g. `['EU']` (placement and residency). */
  regionTags?: string[];
  /** Access key id / account name and secret, when the credentials are to be stored. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /**
   * For a local folder: whether it is on the laptop's own disk. Absent: Keepsake compares the folder's
   * disk with the photos'. `false` states that it is an external drive or NAS (a copy off the laptop).
   */
  onLaptop?: boolean;
  /** Encrypt what is stored there (default: yes for clouds, no for local folders). */
  encrypt?: boolean;
  /**
   * For an encrypted destination: the passphrase of a new key (the first encrypted destination; at
   * least 12 characters), or of the encrypted repository already there. Never stored or sent back.
   */
  passphrase?: string;
}

/** A destination just added. */
export interface AddedDestination extends DestinationSummary {
  encrypted: boolean;
  /**
   * The recovery key of a new encryption key, shown this once to print or write down: with it the
   * backups open when the passphrase is forgotten. Absent when the destination reuses the key of the
   * other encrypted destinations (their recovery key still works) or is not encrypted.
   */
  recoveryKey?: string;
}

export interface DestinationUpdate {
  name: string;
  enabled?: boolean;
  regionTags?: string[];
}

/** Test an existing destination by name, or one being added (local folders and environment credentials). */
export type DestinationTestBody = { name: string } | { destination: NewDestination };

export interface ConnectionTest {
  ok: boolean;
  steps: { step: 'reach' | 'write' | 'read' | 'verify' | 'delete'; ok: boolean; message: string }[];
}

export interface QueueReport {
  queued: number;
  running: number;
  retrying: number;
  /** Bytes of the files waiting for upload. */
  pendingBytes: number;
}

export interface RestoreBody {
  wedding: string;
  snapshot?: string;
  include?: string[];
  target: string;
  overwrite?: boolean;
  from?: string;
  /** For files whose only copies are archived: ask for them to be made readable (the call does not wait). */
  rehydrate?: { speed: RetrievalSpeed; days?: number };
}

export interface RestoreSummary {
  /** The snapshot that comes first (the newest, or that of `from`), and the destination it is on. */
  snapshot: SnapshotRef;
  from: string;
  /** Every snapshot merged (each destination's manifest lists only the files it holds), first `snapshot`. */
  merged?: { destination: string; snapshot: SnapshotRef }[];
  /** Destinations whose snapshots could not be listed: files only they hold were not restored. */
  unreachable?: { destination: string; reason: string }[];
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

/** One destination's health now and its recent changes (the health monitor's view). */
export interface DestinationHealthReport {
  destination: string;
  state: DestinationHealth;
  /** `ok`, the error kind that took it down, `slow` or `flaky`. */
  cause: string;
  /** Plain language: "connection refused: the server is not answering". */
  reason: string;
  detail?: string;
  /** Clock time (ms) the destination entered `state`. */
  since: number;
  lastSuccessAt?: number;
  lastFailureAt?: number;
  history: {
    at: number;
    from: DestinationHealth;
    to: DestinationHealth;
    cause: string;
    reason: string;
    detail?: string;
  }[];
}

/** What restoring archived files would cost and how long it takes. */
export interface RetrievalQuery {
  destination: string;
  bytes: number;
  objects: number;
  speed: RetrievalSpeed;
}

/** The policy of one wedding now and where its copies must be. */
export interface WeddingPolicy {
  weddingId: number;
  policy: EffectivePolicy;
  /**
   * Where a file of this wedding is placed now (copies it already has elsewhere still count); the
   * other destinations are "not required by policy".
   */
  requiredDestinations: string[];
  /** The photographer's settings of this wedding. */
  settings: WeddingPolicySettings;
  /** How policies decide copies (`protection.copies`): per wedding, on `all` destinations, or N. */
  mode: 'policy' | 'all' | number;
  /** Live files of the wedding. */
  files: number;
  /** Files whose usable copies do not meet the policy now. */
  belowTarget: number;
  /** Why the policy cannot be met with the destinations there are now, or null when it can. */
  shortfall: string | null;
  /** Files queued to be placed again after a change (POST only). */
  requeued?: number;
}

/** A wedding's own protection settings. */
export interface WeddingPolicySettings {
  /** Marked delivered: the archive policy applies (unless a policy is set). */
  delivered: boolean;
  /** Region tag every copy must carry (e.g. `EU`), or null. */
  residency: string | null;
  /** The wedding's own policy or numbers, or null when its dates decide. */
  override: PolicyOverride | null;
}

/**
 * A change to a wedding's settings; fields left out stay as they are. `policy: 'auto'` and
 * `copies: null` go back to what the dates and the policy say; `residency: null` removes it.
 */
export interface WeddingPolicyChange {
  policy?: PolicyName | 'auto';
  copies?: number | null;
  delivered?: boolean;
  residency?: string | null;
}

/** The policies section of the config: what each policy requires and when it applies. */
export interface PolicySettings {
  critical: ProtectionRule & { daysBefore: number; daysAfter: number };
  standard: ProtectionRule;
  archive: ProtectionRule & { afterDays: number };
}

/** A time window with its own upload limit (bytes per second; null: unlimited). */
export interface BandwidthWindow {
  days: ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
  from: string;
  to: string;
  limit: number | null;
}

export interface NotificationSettings {
  /** Channels, described without their secrets: `email to studio@…`, `webhook (Slack)`. */
  channels: { kind: 'log' | 'webhook' | 'email' | 'desktop'; description: string }[];
  /** Also send a message when an incident is resolved. */
  resolved: boolean;
}

/** The settings a person can see; sections the engine does not expose yet are null. */
export interface SettingsReport {
  home: string;
  protection: { copies: number | 'all' | 'policy' };
  transfer: { concurrency: number; bandwidthLimit: number | null };
  watch: { stableMs: number };
  policies: PolicySettings | null;
  bandwidthSchedule: BandwidthWindow[] | null;
  notifications: NotificationSettings | null;
}

export interface SettingsUpdate {
  protection?: { copies: number | 'all' | 'policy' };
  transfer?: { concurrency?: number; bandwidthLimit?: number | null };
  policies?: Partial<Record<PolicyName, Partial<ProtectionRule>>>;
  bandwidthSchedule?: BandwidthWindow[];
}

/** Live events on GET /api/events (server-sent events; `event:` is the type, `data:` the JSON). */
export type ApiEvent =
  | { type: 'status'; status: StatusReport }
  | { type: 'file'; path: string; outcome: string }
  /** While files are read for backup, at most twice a second: bytes read since the agent started, and the queue. */
  | { type: 'progress'; bytesRead: number; queue: QueueReport }
  | { type: 'problem'; message: string }
  /** A restore's progress, after each file. */
  | { type: 'restore'; done: number; total: number; bytes: number; totalBytes: number; path: string }
  /** The optimizer's apply: copies moved to their new class so far, of the total. */
  | { type: 'optimize'; done: number; total: number }
  /** A snapshot manifest was written (`written` is `destination:key`). */
  | { type: 'snapshot'; written: string }
  /** A destination's health changed. */
  | { type: 'health'; health: DestinationHealthReport };

/** What applying the optimizer's plan did, move by move. */
export interface OptimizationApplied {
  plan: OptimizationPlan;
  applied: AppliedMove[];
}

/** An error response body: `{ error }` with a message for a person. */
export interface ApiError {
  error: string;
}
