import type { DestinationSummary } from './destination.js';
import type { WeddingStatus } from './wedding.js';

/** Reachability of one destination when status was taken. */
export interface DestinationStatus extends DestinationSummary {
  reachable: boolean;
  /** Why it is not reachable (drive unplugged, bad credentials, ...). */
  problem: string | null;
  /** Objects Keepsake has stored there. */
  objects: number;
  /** From the health monitor while Keepsake runs; `unknown` for a one-off check. */
  health: 'healthy' | 'degraded' | 'down' | 'unknown';
  /** Since when (ISO 8601) the destination is in that state, when known. */
  since: string | null;
  /**
   * A folder on the laptop's own disk (or marked so) whose copies, lost with the laptop, do not make
   * a file protected: false when `protection.laptopCounts` lets them count. Absent from older engines.
   */
  onLaptop?: boolean;
}

/** Everything `keepsake status` shows, also the API's status response. */
export interface StatusReport {
  home: string;
  /** Copies each file needs to count as protected. */
  target: number;
  weddings: WeddingStatus[];
  /** Files whose wedding could not be decided (still backed up). */
  unassigned: WeddingStatus | null;
  destinations: DestinationStatus[];
  queue: { queued: number; running: number; retrying: number };
  problems: { path: string; state: string; error: string }[];
  /** Plain-language warnings, e.g. only one destination configured. */
  warnings: string[];
  /**
   * True when every live file is protected (see WeddingStatus.protected), every watched folder can be
   * read and no manifest is failing: the only state shown green and the only one `backup` exits 0 on.
   */
  allProtected: boolean;
  /** Watched folders and whether they can be read now (absent from older engines). */
  folders?: FolderStatus[];
  /**
   * When every file of every wedding was last protected (ISO 8601), "backed up as of"; null when that
   * never happened yet (absent from older engines).
   */
  protectedAsOf?: string | null;
  /** Whether copies on the laptop's own disk count as protection (config protection.laptopCounts). */
  laptopCounts?: boolean;
  /** How policies decide copies: `policy` (per wedding), `all` destinations, or a fixed number. */
  mode?: 'policy' | 'all' | number;
  /** Failover incidents, newest first (absent from older engines). */
  failovers?: FailoverSummary[];
}

/** A watched folder as status sees it. */
export interface FolderStatus {
  path: string;
  kind: 'weddings' | 'import';
  /** False when the folder is missing, unreadable or not a folder: new photos in it are not backed up. */
  available: boolean;
  /** What is wrong, in one sentence that says what to do; null when available. */
  problem: string | null;
}

/** One failover: a destination went down and its work was placed on the others. */
export interface FailoverSummary {
  destination: string;
  reason: string;
  /** ISO 8601: the first failed call, when it was declared down, and when it came back (or null). */
  failedAt: string;
  downAt: string;
  backAt: string | null;
  /** When every affected wedding met its target again, or null while some are still below. */
  recoveredAt: string | null;
  /** Failover recovery time: from the first failure until every affected wedding met its target. */
  recoveryMs: number | null;
  /** The weddings it left below target (couple names; `Unassigned files` for those). */
  weddings: string[];
}
