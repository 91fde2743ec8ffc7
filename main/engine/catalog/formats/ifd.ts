/**
 * A minimal TIFF IFD reader for EXIF blocks laid out differently from a TIFF file (offsets counted
 * from somewhere else than a TIFF header), which exifr cannot be handed: the few ASCII tags that
 * date a capture, from IFD0 and its EXIF IFD.
 */
import { fromExif } from '../exif-dates.js';
import { cleanText, type FormatInfo } from './source.js';

const ASCII = 2;
const MAKE = 0x010f;
const MODEL = 0x0110;
const EXIF_IFD = 0x8769;
const DATE_TIME_ORIGINAL = 0x9003;
const CREATE_DATE = 0x9004;

/** The ASCII values (and the EXIF IFD pointer) of the IFD at `at`; offsets count from `base`. */
function entries(b: Buffer, at: number, base: number, le: boolean): Map<number, string | number> {
  const out = new Map<number, string | number>();
  const u16 = (p: number) => (le ? b.readUInt16LE(p) : b.readUInt16BE(p));
  const u32 = (p: number) => (le ? b.readUInt32LE(p) : b.readUInt32BE(p));
  if (at < 0 || at + 2 > b.length) return out;
  const count = Math.min(u16(at), 512);
  for (let i = 0, e = at + 2; i < count && e + 12 <= b.length; i++, e += 12) {
    const tag = u16(e);
    const type = u16(e + 2);
    const n = u32(e + 4);
    if (tag === EXIF_IFD) out.set(tag, u32(e + 8));
    else if (type === ASCII) {
      const start = n <= 4 ? e + 8 : base + u32(e + 8);
      if (start + n <= b.length) out.set(tag, b.toString('latin1', start, start + n));
    }
  }
  return out;
}

/** Make, model and DateTimeOriginal (else CreateDate) of the IFD0 at `ifd0`, offsets from `base`. */
export function readIfd(b: Buffer, ifd0: number, base: number, le: boolean): FormatInfo {
  const top = entries(b, ifd0, base, le);
  const pointer = top.get(EXIF_IFD);
  const exif = typeof pointer === 'number' ? entries(b, base + pointer, base, le) : new Map();
  const text = (v: unknown) => (typeof v === 'string' ? cleanText(v) : undefined);
  return {
    captureTime: fromExif(exif.get(DATE_TIME_ORIGINAL)) ?? fromExif(exif.get(CREATE_DATE)),
    make: text(top.get(MAKE)),
    model: text(top.get(MODEL)),
  };
}
