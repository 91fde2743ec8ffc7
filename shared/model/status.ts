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
  /** True when every live file meets its target. */
  allProtected: boolean;
}
