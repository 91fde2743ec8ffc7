import { describe, expect, it } from 'vitest';
import { exifTiff, sampleReader } from './testing.js';

const read = sampleReader();

/** A PROP section: UTF-16LE name/value strings, pointed to in characters. */
function prop(props: Record<string, string>): Buffer {
  const entries = Object.entries(props);
  let chars = '';
  const pointers = entries.map(([k, v]) => {
    const name = chars.length;
    chars += `${k}\0`;
    const value = chars.length;
    chars += `${v}\0`;
    return [name, value] as const;
  });
  const b = Buffer.alloc(24 + 8 * entries.length + 2 * chars.length);
  b.write('SECp', 0, 'latin1');
  b.writeUInt32LE(entries.length, 8);
  b.writeUInt32LE(chars.length, 20);
  pointers.forEach(([n, v], i) => {
    b.writeUInt32LE(n, 24 + 8 * i);
    b.writeUInt32LE(v, 28 + 8 * i);
  });
  b.write(chars, 24 + 8 * entries.length, 'utf16le');
  return b;
}

/** A JPEG whose APP1 holds `tiff`. */
function jpeg(tiff: Buffer): Buffer {
  const app1 = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const marker = Buffer.from([0xff, 0xd8, 0xff, 0xe1, (app1.length + 2) >> 8, (app1.length + 2) & 0xff]);
  return Buffer.concat([marker, app1, Buffer.from([0xff, 0xd9])]);
}

function x3f(sections: [string, Buffer][]): Buffer {
  const header = Buffer.alloc(104);
  header.write('FOVb', 0, 'latin1');
  header.writeUInt32LE(0x00020003, 4);
  const parts: Buffer[] = [header];
  let at = header.length;
  const dir = Buffer.alloc(12 + 12 * sections.length);
  dir.write('SECd', 0, 'latin1');
  dir.writeUInt32LE(0x00020000, 4);
  dir.writeUInt32LE(sections.length, 8);
  sections.forEach(([tag, data], i) => {
    dir.writeUInt32LE(at, 12 + 12 * i);
    dir.writeUInt32LE(data.length, 16 + 12 * i);
    dir.write(tag, 20 + 12 * i, 'latin1');
    parts.push(data);
    at += data.length;
  });
  const pointer = Buffer.alloc(4);
  pointer.writeUInt32LE(at);
  return Buffer.concat([...parts, dir, pointer]);
}

const seconds = Date.UTC(2008, 8, 20, 11, 40, 2) / 1000;

describe('Sigma X3F', () => {
  it('reads TIME, CAMMANUF and CAMMODEL of the properties', async () => {
    const file = x3f([
      ['IMAG', Buffer.alloc(64)],
      ['PROP', prop({ CAMMANUF: 'SIGMA', CAMMODEL: 'SIGMA DP1', TIME: String(seconds) })],
    ]);
    expect(await read('SDIM0001.X3F', file)).toEqual({
      captureTime: '2008-09-20T11:40:02',
      make: 'SIGMA',
      model: 'SIGMA DP1',
    });
  });

  it('prefers the EXIF of the embedded JPEG (newer cameras)', async () => {
    const section = Buffer.from('SECi\0\0\x02\0\x02\0\0\0\x12\0\0\0', 'latin1');
    const ima2 = Buffer.concat([
      section,
      Buffer.alloc(12),
      jpeg(exifTiff('SIGMA', 'SIGMA DP2', '2009:05:01 09:00:07')),
    ]);
    const file = x3f([
      ['IMA2', ima2],
      ['PROP', prop({ CAMMANUF: 'SIGMA', CAMMODEL: 'SIGMA DP2', TIME: String(seconds) })],
    ]);
    expect(await read('SDIM0002.X3F', file)).toEqual({
      captureTime: '2009-05-01T09:00:07',
      make: 'SIGMA',
      model: 'SIGMA DP2',
    });
  });

  it('gives no date without a TIME property', async () => {
    const file = x3f([['PROP', prop({ CAMMANUF: 'SIGMA' })]]);
    expect((await read('SDIM0003.X3F', file)).captureTime).toBeNull();
  });
});
