import { extname } from 'node:path';

/** Extensions whose files carry a capture time worth reading (photos, RAWs, videos, sidecars). */
const MEDIA = new Set(
  'jpg jpeg jpe heic heif hif png tif tiff dng cr2 cr3 crw nef nrw arw srf sr2 orf rw2 raf pef srw x3f 3fr iiq erf mef mos rwl mrw raw mov mp4 m4v avi mts m2ts m2t mkv xmp'.split(
    ' ',
  ),
);

export function isMedia(path: string): boolean {
  return MEDIA.has(extname(path).slice(1).toLowerCase());
}
