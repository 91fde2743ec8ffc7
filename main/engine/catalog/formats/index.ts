/**
 * The capture-date readers of formats exifr does not know, each in its own module with its own test,
 * tried in this order on a file's first bytes (before the JPEG/TIFF/QuickTime readers in exif.ts:
 * a CRW starts like a TIFF).
 */
import { extname } from 'node:path';
import { isAvi, readAvi } from './riff.js';
import { packetSize, readAvchd } from './avchd.js';
import { isCrw, readCrw } from './crw.js';
import { isKyoceraRaw, readKyoceraRaw } from './kyocera.js';
import { isMatroska, readMatroska } from './matroska.js';
import { isMrw, readMrw } from './mrw.js';
import type { ByteSource, FormatInfo } from './source.js';
import { isX3f, readX3f } from './x3f.js';

export interface FormatReader {
  name: string;
  is(head: Buffer, path: string): boolean;
  read(src: ByteSource): Promise<FormatInfo>;
}

const TS_EXTENSIONS = new Set(['.mts', '.m2ts', '.m2t', '.ts']);

export const FORMATS: readonly FormatReader[] = [
  { name: 'Canon CRW', is: isCrw, read: readCrw },
  { name: 'Minolta MRW', is: isMrw, read: readMrw },
  { name: 'Sigma X3F', is: isX3f, read: readX3f },
  { name: 'Kyocera RAW', is: isKyoceraRaw, read: readKyoceraRaw },
  { name: 'AVI', is: isAvi, read: readAvi },
  { name: 'Matroska', is: isMatroska, read: readMatroska },
  {
    name: 'AVCHD',
    is: (head, path) => TS_EXTENSIONS.has(extname(path).toLowerCase()) && packetSize(head) !== null,
    read: readAvchd,
  },
];
