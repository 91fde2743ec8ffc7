/** A wedding: the unit a photographer thinks in, and the unit of protection and restore. */
export interface Wedding {
  id: number;
  /** Stable, filesystem- and URL-safe name, e.g. `2026-06-14-smith-jones`. Used in repository paths. */
  slug: string;
  /** The couple as the photographer wrote it, e.g. `Smith & Jones`. */
  couple: string;
  /** Wedding day as `YYYY-MM-DD`, or null when unknown. */
  date: string | null;
  /** `folder`: found as a sub-folder of a weddings root; `user`: created by the user. */
  source: 'folder' | 'user';
  /** Folders whose files belong to this wedding. */
  folders: string[];
}

/** Protection of one wedding, as status output and the UI show it. */
export interface WeddingStatus {
  wedding: Wedding | null;
  files: number;
  bytes: number;
  /**
   * Files that are safe: restorable (content stored and named in a manifest stored on the same
   * destination) from enough places to meet the policy, and, unless the config allows otherwise,
   * from at least one place that survives the loss of the laptop.
   */
  protected: number;
  pending: number;
  failed: number;
  /** Files not backed up on purpose (symlinks, unreadable names), with the reason in the file list. */
  skipped: number;
  /** Stored copies per destination name: how many of the wedding's files each destination holds. */
  copies: Record<string, number>;
  /** The protection policy the wedding is held to now, and why (absent from older engines). */
  policy?: WeddingPolicySummary;
  /**
   * Live files whose usable copies do not meet the policy now: not stored yet, or copies only on
   * destinations that are down. 0 when the wedding meets its target.
   */
  belowTarget?: number;
  /** Why the policy cannot be met with the destinations there are (a region with too few), if so. */
  shortfall?: string | null;
  /**
   * Files whose only restorable copies are on the laptop's own disk (a vault on the same device as
   * the photos): not safe from a lost or broken laptop.
   */
  laptopOnly?: number;
  /** Files whose content is stored but not yet named in a manifest there: not restorable by name yet. */
  awaitingManifest?: number;
  /** Restorable copies per destination: files named in a manifest there whose content is stored there. */
  restorable?: Record<string, number>;
}

/** A wedding's policy in a few words, for status and the UI. */
export interface WeddingPolicySummary {
  name: 'critical' | 'standard' | 'archive';
  /** Copies the policy needs in all. */
  copies: number;
  /** Region every copy must be in (e.g. `EU`), or null. */
  residency: string | null;
  /** Plain language: which policy, why, and what it needs. */
  why: string;
}
