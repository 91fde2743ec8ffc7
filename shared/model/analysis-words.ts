/** How the analysis is said in words, the same in the CLI and the UI. */
import type { CameraCount, KindCount } from './analysis.js';

export const KIND_WORDS: Record<KindCount['kind'], string> = {
  raw: 'RAW',
  jpeg: 'JPEG',
  heif: 'HEIF',
  video: 'video',
  sidecar: 'sidecars',
  catalog: 'catalog files',
  other: 'other',
};

/** Kinds with their formats together: RAW with CR3 640 and NEF 172, and so on, largest first. */
export function kindGroups(
  kinds: readonly KindCount[],
): { kind: KindCount['kind']; files: number; bytes: number; formats: string[] }[] {
  const by = new Map<KindCount['kind'], KindCount[]>();
  for (const k of kinds) by.set(k.kind, [...(by.get(k.kind) ?? []), k]);
  return [...by.entries()].map(([kind, list]) => ({
    kind,
    files: list.reduce((n, k) => n + k.files, 0),
    bytes: list.reduce((n, k) => n + k.bytes, 0),
    formats: list.filter((k) => k.format).map((k) => `${k.format} ${k.files}`),
  }));
}

/** `NIKON D70`, not `NIKON CORPORATION NIKON D70`: the make once, without its company suffix; and the serial. */
export function cameraName(c: Pick<CameraCount, 'make' | 'model' | 'serial'>): string {
  const make = (c.make ?? '')
    .replace(/\s+(corporation|corp\.?|co\.?,? ?ltd\.?|imaging|company)\b.*$/i, '')
    .trim();
  const name = make && !c.model.toLowerCase().startsWith(make.toLowerCase()) ? `${make} ${c.model}` : c.model;
  return c.serial ? `${name} #${c.serial}` : name;
}
