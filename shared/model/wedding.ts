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
  protected: number;
  pending: number;
  failed: number;
  /** Files not backed up on purpose (symlinks, unreadable names), with the reason in the file list. */
  skipped: number;
  /** Stored copies per destination name: how many of the wedding's files each destination holds. */
  copies: Record<string, number>;
}
