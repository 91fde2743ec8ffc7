/** The studio view: what every device of a studio stored in one repository, read from it alone. */
export interface StudioView {
  /** The destination it was read from. */
  destination: string;
  devices: StudioDevice[];
  weddings: StudioWedding[];
  /** Device indexes that could not be read (damaged, another key): their devices are missing above. */
  damaged: { key: string; reason: string }[];
}

export interface StudioDevice {
  id: string;
  name: string;
  /** Time of its newest snapshot here (ISO 8601 UTC), or null when it has none. */
  lastSnapshot: string | null;
  weddings: number;
  files: number;
  bytes: number;
}

export interface StudioWedding {
  slug: string;
  couple: string;
  date: string | null;
  /** Files and bytes each device's newest snapshot lists (a file two devices hold counts for both). */
  devices: { name: string; files: number; bytes: number; snapshot: string }[];
  files: number;
  bytes: number;
  /** How many destinations hold a snapshot of the wedding, over every device's destinations (at least this one). */
  destinations: number;
}
