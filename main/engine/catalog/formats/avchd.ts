/**
 * AVCHD MTS/M2TS: an MPEG transport stream (188-byte packets, 192 with the 4-byte M2TS time code).
 * Camcorders put a Modified DV Pack (MDPM) in the H.264 SEI unregistered user data (UUID
 * 17ee8c60-f84d-11d9-8cd6-0800200c9a66 + `MDPM`): tag 0x18 (time zone byte, BCD year and month)
 * with 0x19 (BCD day, hour, minute, second) is DateTimeOriginal; 0xe0 starts with the maker code.
 * The packets' payloads are joined per stream (an SEI may span packets) over the first 2 MB only.
 */
import { fromXmp } from '../exif-dates.js';
import type { ByteSource, FormatInfo } from './source.js';

const HEAD = 2 * 1024 * 1024;
const MDPM = Buffer.from('17ee8c60f84d11d98cd60800200c9a664d44504d', 'hex');
const MAKERS: Record<number, string> = {
  0x0103: 'Panasonic',
  0x0108: 'Sony',
  0x1011: 'Canon',
  0x1104: 'JVC',
};

/** Sync bytes (0x47) every 188 bytes, or every 192 after a 4-byte time code. */
export function packetSize(head: Buffer): 188 | 192 | null {
  for (const [size, first] of [
    [188, 0],
    [192, 4],
  ] as const) {
    if (head.length >= first + size * 2 + 1 && [0, 1, 2].every((i) => head[first + i * size] === 0x47))
      return size;
  }
  return null;
}

export async function readAvchd(src: ByteSource): Promise<FormatInfo> {
  const data = await src.read(0, HEAD);
  const size = packetSize(data);
  if (size === null) return { captureTime: null };
  const first = size === 192 ? 4 : 0;
  const streams = new Map<number, Buffer[]>();
  for (let at = first; at + 188 <= data.length; at += size) {
    if (data[at] !== 0x47) continue;
    const pid = ((data[at + 1]! & 0x1f) << 8) | data[at + 2]!;
    const control = (data[at + 3]! >> 4) & 3;
    if (!(control & 1)) continue; // no payload
    const start = control === 3 ? at + 5 + data[at + 4]! : at + 4;
    if (start < at + 188)
      (streams.get(pid) ?? streams.set(pid, []).get(pid)!).push(data.subarray(start, at + 188));
  }
  for (const parts of streams.values()) {
    const stream = Buffer.concat(parts);
    const found = stream.indexOf(MDPM);
    if (found >= 0) return mdpm(stream.subarray(found + MDPM.length));
  }
  return { captureTime: null };
}

/** The MDPM entries: a count, then 5-byte records (tag, 4 bytes of data) in increasing tag order. */
function mdpm(b: Buffer): FormatInfo {
  const records = new Map<number, Buffer>();
  const count = b[0] ?? 0;
  for (let i = 0, at = 1; i < count && at + 5 <= b.length; i++, at += 5)
    records.set(b[at]!, b.subarray(at + 1, at + 5));
  const d = records.get(0x18);
  const t = records.get(0x19);
  const make = records.get(0xe0);
  const out: FormatInfo = { captureTime: null };
  if (make) out.make = MAKERS[make.readUInt16BE(0)];
  if (!d || !t) return out;
  const hex = (x: number) => x.toString(16).padStart(2, '0');
  const [tz, y1, y2, month] = [d[0]!, d[1]!, d[2]!, d[3]!];
  const [day, hour, minute, second] = [t[0]!, t[1]!, t[2]!, t[3]!];
  const offset = `${tz & 0x20 ? '-' : '+'}${String((tz >> 1) & 0x0f).padStart(2, '0')}:${tz & 1 ? '30' : '00'}`;
  const time = `${hex(y1)}${hex(y2)}-${hex(month)}-${hex(day)}T${hex(hour)}:${hex(minute)}:${hex(second)}`;
  // BCD digits only; a time zone byte of all ones says the zone is not set.
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(time)) return out;
  out.captureTime = fromXmp(tz === 0xff ? time : time + offset);
  return out;
}
