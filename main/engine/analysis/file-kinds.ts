import { extname } from 'node:path';
import type { FileKind } from '../../../shared/model/analysis.js';

const RAW = new Set(
  'dng cr2 cr3 crw nef nrw arw srf sr2 orf rw2 raf pef srw x3f 3fr iiq erf mef mos rwl mrw raw'.split(' '),
);
const JPEG = new Set(['jpg', 'jpeg', 'jpe']);
const HEIF = new Set(['heic', 'heif', 'hif', 'avif']);
const VIDEO = new Set('mov mp4 m4v avi mts m2ts m2t mkv mxf braw r3d'.split(' '));
const SIDECAR = new Set(['xmp', 'thm', 'pp3', 'dop', 'cos', 'on1', 'xml']);
/** Lightroom, Capture One, Photo Mechanic and Aperture catalogs and their parts. */
const CATALOG = new Set(['lrcat', 'lrdata', 'lrcat-wal', 'lrcat-shm', 'cocatalogdb', 'cocatalog', 'db']);

/** The kind of a file from its name (and for RAW and video, the format shown). */
export function kindOf(name: string): { kind: FileKind; format?: string } {
  const ext = extname(name).slice(1).toLowerCase();
  if (RAW.has(ext)) return { kind: 'raw', format: ext.toUpperCase() };
  if (JPEG.has(ext)) return { kind: 'jpeg' };
  if (HEIF.has(ext)) return { kind: 'heif' };
  if (VIDEO.has(ext)) return { kind: 'video', format: ext.toUpperCase() };
  if (SIDECAR.has(ext)) return { kind: 'sidecar' };
  if (CATALOG.has(ext) || /\.lr(cat|data)\b/i.test(name)) return { kind: 'catalog' };
  return { kind: 'other' };
}

/** Photos: what megapixels, the 5 MB share and the quality class are about. */
export const isPhoto = (kind: FileKind): boolean => kind === 'raw' || kind === 'jpeg' || kind === 'heif';
