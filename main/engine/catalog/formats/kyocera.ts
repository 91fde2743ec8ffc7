/**
 * Kyocera / Contax N Digital RAW: a 156-byte big-endian header whose strings are stored reversed:
 * each string's characters in reverse order, then NUL padding: model at 0x0c, make (`KYOCERA`, so `ARECOYK`) at 0x19, DateTimeOriginal (EXIF form) at 0x21.
 */
import { fromExif } from '../exif-dates.js';
import { cleanText, type ByteSource, type FormatInfo } from './source.js';

export function isKyoceraRaw(head: Buffer): boolean {
  return head.length >= 0x20 && head.toString('latin1', 0x19, 0x20) === 'ARECOYK';
}

/** The string at `at` (up to its NUL), its characters put back in order. */
function reversed(b: Buffer, at: number, length: number): string {
  const raw = b.toString('latin1', at, at + length).split('\0')[0]!;
  return [...raw].reverse().join('');
}

export async function readKyoceraRaw(src: ByteSource): Promise<FormatInfo> {
  const h = await src.read(0, 156);
  if (h.length < 0x35) return { captureTime: null };
  return {
    captureTime: fromExif(reversed(h, 0x21, 20)),
    make: cleanText(reversed(h, 0x19, 7)),
    model: cleanText(reversed(h, 0x0c, 12)),
  };
}
