import { describe, expect, it } from 'vitest';
import { exifTiff, sampleReader } from './testing.js';

const read = sampleReader();

function block(name: string, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.write(name, 0, 'latin1');
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}

function mrw(blocks: Buffer[]): Buffer {
  const body = Buffer.concat(blocks);
  const h = Buffer.alloc(8);
  h.write('\0MRM', 0, 'latin1');
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body, Buffer.alloc(256)]); // then the raw image data
}

describe('Minolta MRW', () => {
  it('reads the EXIF of the TTW block, after the PRD block', async () => {
    const file = mrw([
      block('\0PRD', Buffer.alloc(24)),
      block('\0TTW', exifTiff('Konica Minolta Camera, Inc.', 'DYNAX 5D', '2006:06:10 17:22:05')),
    ]);
    expect(await read('PICT0001.MRW', file)).toEqual({
      captureTime: '2006-06-10T17:22:05',
      make: 'Konica Minolta Camera, Inc.',
      model: 'DYNAX 5D',
    });
  });

  it('gives no date without a TTW block', async () => {
    expect((await read('PICT0002.MRW', mrw([block('\0PRD', Buffer.alloc(24))]))).captureTime).toBeNull();
  });
});
