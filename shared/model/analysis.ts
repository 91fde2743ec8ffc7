/** What a wedding holds and how it is kept, as `keepsake analyze`, status and the wedding screen show it. */

/** What a file is, from its name: RAW (by format), JPEG, HEIF, video, sidecar, catalog, other. */
export type FileKind = 'raw' | 'jpeg' | 'heif' | 'video' | 'sidecar' | 'catalog' | 'other';

/** Files and bytes of one kind (for RAW and video: of one format, e.g. `CR3`, `MOV`). */
export interface KindCount {
  kind: FileKind;
  /** Upper-case extension for RAW and video; absent for the other kinds. */
  format?: string;
  files: number;
  bytes: number;
}

/** One camera body: make and model, and its serial where the files record it (a second shooter's body). */
export interface CameraCount {
  make: string | null;
  model: string;
  serial: string | null;
  files: number;
}

export interface LensCount {
  lens: string;
  files: number;
}

/** A stretch of shooting without a long pause (getting ready, ceremony, reception...). */
export interface ShootingSession {
  /** First and last capture time, as the files record them (`YYYY-MM-DDTHH:mm:ss[+HH:MM]`). */
  first: string;
  last: string;
  files: number;
}

export interface WeddingShot {
  files: number;
  bytes: number;
  kinds: KindCount[];
  cameras: CameraCount[];
  lenses: LensCount[];
  /** Photos whose pixel size the file states, and what that says (megapixels). */
  megapixels: { known: number; median: number | null; max: number | null; over12: number };
  /** Photos (RAW, JPEG, HEIF) and those over 5 MB. */
  photos: number;
  over5MB: number;
  capture: {
    first: string | null;
    last: string | null;
    /** Sessions split at pauses of at least `gapMinutes`. */
    sessions: ShootingSession[];
    gapMinutes: number;
    /** Photos and videos without a capture time. */
    undated: number;
  };
}

export type QualityClass = 'professional' | 'amateur' | 'mixed' | 'unknown';

/** hot: still being worked on or just shot; cooling: quiet for a while; cold: untouched for months. */
export type Temperature = 'hot' | 'cooling' | 'cold';

export interface WeddingAccess {
  /** Clock ms of the newest file change Keepsake saw, the last restore, the last time it was opened. */
  lastChanged: number | null;
  lastRestored: number | null;
  lastOpened: number | null;
  temperature: Temperature;
  reason: string;
}

export type ComplianceLevel = 'standard' | 'enhanced' | 'enterprise';

/** One requirement of a compliance level, met or not, in words. */
export interface ComplianceCheck {
  requirement: string;
  met: boolean;
  detail: string;
}

export interface WeddingCompliance {
  level: ComplianceLevel;
  /** What enhanced and enterprise need, each with whether this wedding meets it. */
  checks: ComplianceCheck[];
}

export interface WeddingAnalysis {
  weddingId: number | null;
  slug: string | null;
  couple: string;
  date: string | null;
  shot: WeddingShot;
  quality: { class: QualityClass; reason: string };
  access: WeddingAccess;
  compliance: WeddingCompliance;
}
