/**
 * Sigma / Foveon X3F: `FOVb`, sections listed by a directory (`SECd`) whose offset is the file's last
 * 4 bytes (little-endian). DateTimeOriginal comes from the EXIF of the embedded full JPEG (`IMA2`
 * starting with APP1, newer cameras) if any, else the `TIME` property (seconds since 1970, camera
 * time) of the `PROP` section (UTF-16 name/value pairs), which also gives CAMMANUF and CAMMODEL.
 */
import { cleanText, fromUnixSeconds, type ByteSource, type FormatInfo } from './source.js';

/** Enough of the embedded JPEG for its APP1 (EXIF) segment. */
const JPEG_HEAD = 128 * 1024;
const MAX_PROP = 1024 * 1024;
const JPEG_SECTION = Buffer.from('SECi\0\0\x02\0\x02\0\0\0\x12\0\0\0', 'latin1');

export function isX3f(head: Buffer): boolean {
  return head.length >= 4 && head.toString('latin1', 0, 4) === 'FOVb';
}

export async function readX3f(src: ByteSource): Promise<FormatInfo> {
  const out: FormatInfo = { captureTime: null };
  if (src.size < 16) return out;
  const dir = (await src.read(src.size - 4, 4)).readUInt32LE(0);
  const head = await src.read(dir, 12);
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'SECd') return out;
  const count = head.readUInt32LE(8);
  if (count > 64) return out;
  const entries = await src.read(dir + 12, count * 12);
  for (let at = 0; at + 12 <= entries.length; at += 12) {
    const offset = entries.readUInt32LE(at);
    const length = entries.readUInt32LE(at + 4);
    const tag = entries.toString('latin1', at + 8, at + 12);
    if (tag === 'PROP' && length <= MAX_PROP) Object.assign(out, properties(await src.read(offset, length)));
    if (tag === 'IMA2' && length > 32 && !out.exif) {
      const section = await src.read(offset, 28 + 4);
      if (section.subarray(0, 16).equals(JPEG_SECTION) && section.readUInt32BE(28) >>> 16 === 0xffd8) {
        const jpeg = await src.read(offset + 28, Math.min(length - 28, JPEG_HEAD));
        if (jpeg[3] === 0xe1) out.exif = jpeg;
      }
    }
  }
  return out;
}

/** The `SECp` property list: entry count at 8, format (0: UTF-16LE) at 12, character count at 20. */
function properties(p: Buffer): Partial<FormatInfo> {
  if (p.length < 24 || p.toString('latin1', 0, 4) !== 'SECp' || p.readUInt32LE(12) !== 0) return {};
  const count = p.readUInt32LE(8);
  const chars = 24 + 8 * count;
  if (chars > p.length) return {};
  const text = (pos: number) => {
    const start = chars + 2 * pos;
    let end = start;
    while (end + 1 < p.length && p.readUInt16LE(end) !== 0) end += 2;
    return p.toString('utf16le', start, end);
  };
  const props: Record<string, string> = {};
  for (let i = 0; i < count; i++) props[text(p.readUInt32LE(24 + 8 * i))] = text(p.readUInt32LE(28 + 8 * i));
  const time = props['TIME'];
  return {
    captureTime: time !== undefined && /^\d+$/.test(time) ? fromUnixSeconds(Number(time)) : null,
    make: cleanText(props['CAMMANUF'] ?? ''),
    model: cleanText(props['CAMMODEL'] ?? ''),
  };
}
