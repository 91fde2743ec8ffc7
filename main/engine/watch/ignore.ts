/**
 * Names that are never backed up: half-written files, operating-system litter, application caches
 * and locks, and system folders. Matching is case-insensitive (macOS and Windows file systems are),
 * by whole name, prefix or suffix, so it costs a few string comparisons per name.
 */

/** One group of ignored names; a name matches if any of its rules does. */
interface IgnoreGroup {
  /** Whole names, lower case. */
  readonly names?: readonly string[];
  /** Name starts with one of these (lower case). */
  readonly prefixes?: readonly string[];
  /** Name ends with one of these (lower case). */
  readonly suffixes?: readonly string[];
  /** Name starts with `[0]` and ends with `[1]` (lower case). */
  readonly wrapped?: readonly (readonly [string, string])[];
}

/** The one list of what is never backed up. */
const IGNORED: readonly IgnoreGroup[] = [
  /**
   * Temporary and partial files: a download, copy or editor save still in progress. The finished
   * file appears under its real name (by rename), and that is the one backed up.
   * `~$*` are Office owner files, `.~lock.*#` LibreOffice locks, `*.swp` vim swap files; Safari's
   * `*.download` is a folder holding the partial file.
   */
  {
    suffixes: ['.tmp', '.temp', '.part', '.partial', '.crdownload', '.download', '.swp'],
    prefixes: ['~$'],
    wrapped: [['.~lock.', '#']],
  },
  /**
   * macOS litter: Finder view settings, AppleDouble `._*` resource-fork shadows written on non-Mac
   * drives (cards, exFAT disks), and custom-folder-icon files `Icon\r`. Recreated by the system.
   */
  { names: ['.ds_store', 'icon\r'], prefixes: ['._'] },
  /** Windows litter: thumbnail caches and folder view settings. Recreated by the system. */
  { names: ['thumbs.db', 'ehthumbs.db', 'desktop.ini'] },
  /**
   * Lightroom locks and journals exist only while a catalog is open and are meaningless without the
   * running app; `*.lrdata` folders hold previews that Lightroom rebuilds from the photos.
   * The `.lrcat` catalog itself is backed up.
   */
  {
    suffixes: ['.lrcat.lock', '.lrcat-lock', '.lrcat-journal', '.lrcat-wal', '.lrcat-shm', '.lrdata'],
  },
  /**
   * System folders: search indexes, trash, file-system event logs, recycle bins and restore points,
   * and `.git` repositories (versioned elsewhere, and thousands of small internal files).
   */
  {
    names: [
      '.spotlight-v100',
      '.trashes',
      '.fseventsd',
      '.temporaryitems',
      '$recycle.bin',
      'system volume information',
      '.git',
    ],
  },
  /** Keepsake's own working folders (state, staging, vault metadata): backing them up would loop. */
  { names: ['.keepsake'] },
];

const names = new Set<string>();
const prefixes: string[] = [];
const suffixes: string[] = [];
const wrapped: (readonly [string, string])[] = [];
for (const group of IGNORED) {
  for (const n of group.names ?? []) names.add(n);
  prefixes.push(...(group.prefixes ?? []));
  suffixes.push(...(group.suffixes ?? []));
  wrapped.push(...(group.wrapped ?? []));
}

/** True if a file or folder with this name (one path segment) is never backed up, nor looked into. */
export function isIgnoredName(name: string): boolean {
  const lower = name.toLowerCase();
  if (names.has(lower)) return true;
  for (const p of prefixes) if (lower.startsWith(p)) return true;
  for (const s of suffixes) if (lower.endsWith(s)) return true;
  for (const [start, end] of wrapped) {
    if (lower.length >= start.length + end.length && lower.startsWith(start) && lower.endsWith(end))
      return true;
  }
  return false;
}

/**
 * True if any segment of `path` is ignored, so everything inside an ignored folder is ignored too.
 * Pass the path relative to the watched root: the root's own ancestors are not judged.
 * Both `/` and `\` separate segments.
 */
export function isIgnoredPath(path: string): boolean {
  for (const segment of path.split(/[\\/]/)) {
    if (segment !== '' && isIgnoredName(segment)) return true;
  }
  return false;
}
