/** Test helpers: sample files of a format written in a temp folder, and a small EXIF TIFF block. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { readCaptureTime, type CaptureInfo } from '../exif.js';

/** Writes `data` as `name` in a temp folder removed after the tests, and reads its capture info. */
export function sampleReader(): (name: string, data: Buffer) => Promise<CaptureInfo> {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-format-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name, data) => {
    writeFileSync(join(dir, name), data);
    return readCaptureTime(join(dir, name));
  };
}

/**
 * A little-endian TIFF structure: IFD0 with Make, Model and the EXIF IFD, which holds
 * DateTimeOriginal. Offsets count from the block's start, as in a file's TIFF header, or from
 * `origin` in it (Canon's AVI blocks count them from IFD0).
 */
export function exifTiff(make: string, model: string, dateTimeOriginal: string, origin = 0): Buffer {
  const strings = [make, model, dateTimeOriginal].map((s) => Buffer.from(`${s}\0`, 'latin1'));
  const ifd0 = 8;
  const exifIfd = ifd0 + 2 + 3 * 12 + 4;
  let data = exifIfd + 2 + 12 + 4;
  const b = Buffer.alloc(data + strings.reduce((n, s) => n + s.length, 0));
  b.write('II*\0', 0, 'latin1');
  b.writeUInt32LE(ifd0, 4);
  const offsets = strings.map((s) => {
    s.copy(b, data);
    data += s.length;
    return data - s.length;
  });
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    b.writeUInt16LE(tag, at);
    b.writeUInt16LE(type, at + 2);
    b.writeUInt32LE(count, at + 4);
    b.writeUInt32LE(value - (type === 2 || tag === 0x8769 ? origin : 0), at + 8);
  };
  b.writeUInt16LE(3, ifd0);
  entry(ifd0 + 2, 0x010f, 2, strings[0]!.length, offsets[0]!);
  entry(ifd0 + 14, 0x0110, 2, strings[1]!.length, offsets[1]!);
  entry(ifd0 + 26, 0x8769, 4, 1, exifIfd);
  b.writeUInt16LE(1, exifIfd);
  entry(exifIfd + 2, 0x9003, 2, strings[2]!.length, offsets[2]!);
  return b;
}
