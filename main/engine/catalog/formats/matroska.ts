/**
 * Matroska / WebM (MKV, MKA, WebM): EBML elements; `Segment/Info/DateUTC` (0x4461) is a signed count
 * of nanoseconds since 2001-01-01 UTC, given with its `+00:00` offset. The walk stops at the first
 * `Cluster` (the frames): Info comes before it in files cameras and muxers write.
 */
import { fromXmp } from '../exif-dates.js';
import type { ByteSource, FormatInfo } from './source.js';

const EBML = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const CLUSTER = 0x1f43b675;
const DATE_UTC = 0x4461;
const MS_2001 = Date.UTC(2001, 0, 1);

export function isMatroska(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32BE(0) === EBML;
}

interface Element {
  id: number;
  dataStart: number;
  /** Past its end; the parent's end for an element of unknown size. */
  end: number;
}

/** The variable-length integer at `at`: its length and value (marker bit kept for ids). */
function vint(b: Buffer, at: number, keepMarker: boolean): { length: number; value: number } | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (length > 8 || at + length > b.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + b[at + i]!;
  return { length, value };
}

async function element(src: ByteSource, at: number, parentEnd: number): Promise<Element | null> {
  const h = await src.read(at, 12);
  const id = vint(h, 0, true);
  if (!id || id.length > 4) return null;
  const size = vint(h, id.length, false);
  if (!size) return null;
  const dataStart = at + id.length + size.length;
  const unknown = size.value === 2 ** (7 * size.length) - 1;
  return { id: id.value, dataStart, end: unknown ? parentEnd : Math.min(parentEnd, dataStart + size.value) };
}

async function children(
  src: ByteSource,
  start: number,
  end: number,
  visit: (e: Element) => Promise<boolean>,
) {
  for (let at = start, n = 0; at < end && n < 10_000; n++) {
    const e = await element(src, at, end);
    if (!e || !(await visit(e))) return;
    at = e.end;
  }
}

export async function readMatroska(src: ByteSource): Promise<FormatInfo> {
  let captureTime: string | null = null;
  await children(src, 0, src.size, async (top) => {
    if (top.id !== SEGMENT) return true;
    await children(src, top.dataStart, top.end, async (e) => {
      if (e.id === CLUSTER) return false;
      if (e.id !== INFO) return true;
      await children(src, e.dataStart, e.end, async (i) => {
        if (i.id === DATE_UTC && i.end - i.dataStart === 8) {
          const ns = (await src.read(i.dataStart, 8)).readBigInt64BE(0);
          const iso = new Date(MS_2001 + Number(ns / 1_000_000n)).toISOString();
          captureTime = fromXmp(`${iso.slice(0, 19)}+00:00`);
        }
        return true;
      });
      return false;
    });
    return false;
  });
  return { captureTime };
}
