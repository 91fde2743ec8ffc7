/**
 * What a format reader may read of a file: bytes at an offset, within a byte budget, so no reader
 * ever reads a whole RAW or video (readers seek to the few small blocks that hold the date).
 */
import type { FileHandle } from 'node:fs/promises';
import { readAt } from '../bmff.js';
import { fromXmp } from '../exif-dates.js';

/** What a format reader found: the capture time as `exif-dates.ts` formats it, make and model. */
export interface FormatInfo {
  captureTime: string | null;
  make?: string | undefined;
  model?: string | undefined;
  /**
   * An EXIF block the format embeds (a TIFF structure or a JPEG with its APP1), read by exifr; what
   * it holds comes before the format's own fields, as in ExifTool.
   */
  exif?: Buffer;
}

export interface ByteSource {
  size: number;
  /** The bytes at `[offset, offset + length)` that exist; throws once the budget is spent. */
  read(offset: number, length: number): Promise<Buffer>;
}

/** Most a reader reads of one file, in all its reads together. */
export const READ_BUDGET = 4 * 1024 * 1024;

/** The file behind `fh` (of `size` bytes) as a budgeted source. */
export function fileSource(fh: FileHandle, size: number, budget = READ_BUDGET): ByteSource {
  let left = budget;
  return {
    size,
    async read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      if (n > left) throw new RangeError('metadata read budget spent');
      left -= n;
      return n === 0 ? Buffer.alloc(0) : readAt(fh, offset, n);
    },
  };
}

/** A buffer as a source (tests, and blocks already read). */
export function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    read: (offset, length) => Promise.resolve(buf.subarray(offset, Math.min(buf.length, offset + length))),
  };
}

/** `YYYY-MM-DDTHH:mm:ss` of a count of seconds since 1970, as stored (UTC fields, no zone applied). */
export function fromUnixSeconds(seconds: number): string | null {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 7_258_118_400) return null;
  return fromXmp(new Date(seconds * 1000).toISOString().slice(0, 19));
}

/** Text without NULs and surrounding blanks, or undefined when empty. */
export function cleanText(value: string): string | undefined {
  const t = value.replace(/\0+/g, ' ').trim();
  return t === '' ? undefined : t;
}
