/**
 * Minimal reader of ISO base media / QuickTime boxes ("atoms") straight from a file handle: only box
 * headers are read while walking, so a multi-gigabyte `mdat` (the video or raw image data) is
 * skipped by seeking, never read.
 */
import type { FileHandle } from 'node:fs/promises';

/** One box: `type` is its four characters (Latin-1, so `©day` reads as `\u00a9day`). */
export interface Box {
  type: string;
  /** Offset of the box's first byte in the file. */
  start: number;
  /** Offset of its content (after size, type, 64-bit size and uuid, as present). */
  contentStart: number;
  /** Offset just past its end. */
  end: number;
  /** For `uuid` boxes, the 16-byte extended type as 32 lowercase hex digits. */
  uuid?: string;
}

/** More boxes than this at one level means the file is not what it claims: stop walking. */
const MAX_BOXES_PER_LEVEL = 100_000;

/** Reads exactly the bytes at `[start, start + length)` that exist (fewer at end of file). */
export async function readAt(fh: FileHandle, start: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, start + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** The boxes laid end to end in `[start, end)`; stops at the first malformed header. */
export async function listBoxes(fh: FileHandle, start: number, end: number): Promise<Box[]> {
  const boxes: Box[] = [];
  let at = start;
  while (at + 8 <= end && boxes.length < MAX_BOXES_PER_LEVEL) {
    const head = await readAt(fh, at, 32);
    if (head.length < 8) break;
    let size = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    let headerSize = 8;
    if (size === 1) {
      if (head.length < 16) break;
      size = Number(head.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      size = end - at; // extends to the end of its parent
    }
    let uuid: string | undefined;
    if (type === 'uuid') {
      if (head.length < headerSize + 16) break;
      uuid = head.toString('hex', headerSize, headerSize + 16);
      headerSize += 16;
    }
    if (size < headerSize || at + size > end) break;
    boxes.push({ type, start: at, contentStart: at + headerSize, end: at + size, ...(uuid ? { uuid } : {}) });
    at += size;
  }
  return boxes;
}

/** The first box of `type` (and `uuid`, if given) among `boxes`. */
export function findBox(boxes: readonly Box[], type: string, uuid?: string): Box | undefined {
  return boxes.find((b) => b.type === type && (uuid === undefined || b.uuid === uuid));
}

/** A box's content, or null when it is larger than `max` bytes (metadata boxes are small). */
export async function readContent(fh: FileHandle, box: Box, max: number): Promise<Buffer | null> {
  const length = box.end - box.contentStart;
  if (length > max) return null;
  return readAt(fh, box.contentStart, length);
}
