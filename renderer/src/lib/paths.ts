/** Folder paths as the engine gives them (POSIX or Windows), handled in the browser without Node. */

function separator(p: string): string {
  return p.includes('\\') && !p.includes('/') ? '\\' : '/';
}

/** The parent folder of `p`. */
export function parentOf(p: string): string {
  const sep = separator(p);
  const trimmed = p.length > 1 ? p.replace(/[\\/]+$/, '') : p;
  const i = trimmed.lastIndexOf(sep);
  if (i <= 0) return sep === '/' ? '/' : trimmed;
  return trimmed.slice(0, i);
}

/** `a` joined with `b`, with the separator `a` uses. */
export function joinPath(a: string, b: string): string {
  const sep = separator(a);
  return `${a.replace(/[\\/]+$/, '')}${sep}${b}`;
}

/** True when `child` is `folder` or inside it. */
export function isInside(child: string, folder: string): boolean {
  const norm = (p: string) => p.replace(/[\\/]+$/, '');
  const c = norm(child);
  const f = norm(folder);
  return c === f || c.startsWith(`${f}/`) || c.startsWith(`${f}\\`);
}

/** The last part of a path. */
export function baseName(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts.at(-1) ?? p;
}

/**
 * A restore folder beside (never inside) the watched folders: `<parent of the weddings folder>/
 * Restored from Keepsake/<wedding>`, so restored files are not backed up again as new ones.
 */
export function defaultRestoreTarget(
  weddingFolder: string | undefined,
  watched: readonly string[],
  slug: string,
): string {
  const root = watched.find((w) => weddingFolder && isInside(weddingFolder, w));
  const base = root ? parentOf(root) : weddingFolder ? parentOf(weddingFolder) : '';
  return base ? joinPath(joinPath(base, 'Restored from Keepsake'), slug) : '';
}

/** Escapes glob characters so the engine's include patterns match exactly this path. */
export function exactPattern(path: string): string {
  return path.replace(/[\\*?[\]{}()!+@]/g, (c) => `\\${c}`);
}
