import type { ManifestEntry } from '../../../shared/model/snapshot.js';

/** Files chosen for a restore, per snapshot: a restore request reads one snapshot, so each is a request. */
export type Selection = ReadonlyMap<string, ReadonlyMap<string, ManifestEntry>>;

export const emptySelection: Selection = new Map();

/** Adds or removes entries of one snapshot. */
export function toggle(
  sel: Selection,
  snapshot: string,
  entries: readonly ManifestEntry[],
  on: boolean,
): Selection {
  const next = new Map(sel);
  const files = new Map(next.get(snapshot) ?? []);
  for (const e of entries) {
    if (on) files.set(e.path, e);
    else files.delete(e.path);
  }
  if (files.size === 0) next.delete(snapshot);
  else next.set(snapshot, files);
  return next;
}

/** True when the path of this snapshot is chosen. */
export function isSelected(sel: Selection, snapshot: string, path: string): boolean {
  return sel.get(snapshot)?.has(path) ?? false;
}

export function count(sel: Selection): { files: number; bytes: number; snapshots: number } {
  let files = 0;
  let bytes = 0;
  for (const m of sel.values())
    for (const e of m.values()) {
      files++;
      bytes += e.size;
    }
  return { files, bytes, snapshots: sel.size };
}

/** Manifest entries grouped by folder (`''`: the top level), folders in name order. */
export function foldersOf(entries: readonly ManifestEntry[]): [string, ManifestEntry[]][] {
  const groups = new Map<string, ManifestEntry[]>();
  for (const e of entries) {
    const i = e.path.lastIndexOf('/');
    const folder = i < 0 ? '' : e.path.slice(0, i);
    groups.set(folder, [...(groups.get(folder) ?? []), e]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}
