/**
 * Minolta / Konica Minolta MRW (DiMAGE, Dynax/Maxxum 5D and 7D): `\0MRM`, the header length, then
 * blocks (`\0PRD`, `\0TTW`, `\0WBG`, `\0RIF`) of 4-byte name and big-endian length. `\0TTW` is an
 * ordinary TIFF structure with IFD0 and the EXIF IFD: it is handed to exifr as is.
 */
import type { ByteSource, FormatInfo } from './source.js';

const MAX_TTW = 1024 * 1024;

export function isMrw(head: Buffer): boolean {
  return head.length >= 8 && head.toString('latin1', 0, 4) === '\0MRM';
}

export async function readMrw(src: ByteSource): Promise<FormatInfo> {
  const end = Math.min(src.size, 8 + (await src.read(4, 4)).readUInt32BE(0));
  for (let at = 8; at + 8 <= end;) {
    const block = await src.read(at, 8);
    const length = block.readUInt32BE(4);
    if (block.toString('latin1', 0, 4) === '\0TTW') {
      if (length > MAX_TTW) break;
      return { captureTime: null, exif: await src.read(at + 8, length) };
    }
    at += 8 + length;
  }
  return { captureTime: null };
}
