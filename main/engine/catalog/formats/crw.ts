/**
 * Canon CRW (CIFF, 1999-2004 EOS D30/D60/10D/300D, PowerShot RAW): a heap whose last 4 bytes give
 * its directory; entries of 10 bytes (tag, size, offset); sub-heaps nest. The capture time is the
 * TimeStamp record (0x180e: seconds since 1970, camera wall-clock time), make and model are two
 * NUL-separated strings in 0x080a. Only directories and those two records are read.
 */
import { cleanText, fromUnixSeconds, type ByteSource, type FormatInfo } from './source.js';

const TIME_STAMP = 0x180e;
const MAKE_MODEL = 0x080a;
const MAX_DEPTH = 6;

/** `II`/`MM`, header length, `HEAPCCDR`. */
export function isCrw(head: Buffer): boolean {
  return (
    head.length >= 14 &&
    /^(II|MM)$/.test(head.toString('latin1', 0, 2)) &&
    head.toString('latin1', 6, 14) === 'HEAPCCDR'
  );
}

export async function readCrw(src: ByteSource): Promise<FormatInfo> {
  const head = await src.read(0, 14);
  const le = head.toString('latin1', 0, 2) === 'II';
  const u16 = (b: Buffer, at: number) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const out: FormatInfo = { captureTime: null };
  const seen = new Set<number>();

  async function heap(start: number, length: number, depth: number): Promise<void> {
    if (depth > MAX_DEPTH || length < 6 || start + length > src.size) return;
    const tail = await src.read(start + length - 4, 4);
    const dir = start + u32(tail, 0);
    if (seen.has(dir) || dir >= start + length) return;
    seen.add(dir);
    const count = u16(await src.read(dir, 2), 0);
    const entries = await src.read(dir + 2, Math.min(count, 1000) * 10);
    for (let at = 0; at + 10 <= entries.length; at += 10) {
      const tag = u16(entries, at);
      if (tag & 0x8000) return;
      const size = u32(entries, at + 2);
      const offset = start + u32(entries, at + 6);
      const type = (tag >> 8) & 0x38;
      const inEntry = (tag & 0x4000) !== 0;
      if ((type === 0x28 || type === 0x30) && !inEntry) await heap(offset, size, depth + 1);
      else if ((tag & 0x3fff) === TIME_STAMP && out.captureTime === null) {
        const data = inEntry ? entries.subarray(at + 2, at + 6) : await src.read(offset, 4);
        if (data.length === 4) out.captureTime = fromUnixSeconds(u32(data, 0));
      } else if ((tag & 0x3fff) === MAKE_MODEL && !inEntry && size <= 256) {
        const [make = '', model = ''] = (await src.read(offset, size)).toString('latin1').split('\0');
        out.make = cleanText(make);
        out.model = cleanText(model);
      }
    }
  }

  const headerLength = u32(head, 2);
  await heap(headerLength, src.size - headerLength, 0);
  return out;
}
