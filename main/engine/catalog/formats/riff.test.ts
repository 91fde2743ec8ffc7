import { describe, expect, it } from 'vitest';
import { exifTiff, sampleReader } from './testing.js';

const read = sampleReader();

function chunk(id: string, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(`${data}\0`, 'latin1') : data;
  const h = Buffer.alloc(8);
  h.write(id, 0, 'latin1');
  h.writeUInt32LE(body.length, 4);
  return Buffer.concat([h, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function list(kind: string, ...chunks: Buffer[]): Buffer {
  return chunk('LIST', Buffer.concat([Buffer.from(kind, 'latin1'), ...chunks]));
}

function avi(...chunks: Buffer[]): Buffer {
  const movi = list('movi', chunk('00dc', Buffer.alloc(4096)));
  const body = Buffer.concat([Buffer.from('AVI ', 'latin1'), ...chunks, movi]);
  const h = Buffer.alloc(8);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(body.length, 4);
  return Buffer.concat([h, body]);
}

/** Nikon's `nctg` records: 16-bit tag and size, then the value. */
function nctg(records: [number, string][]): Buffer {
  return Buffer.concat(
    records.map(([tag, text]) => {
      const value = Buffer.from(`${text}\0`, 'latin1');
      const h = Buffer.alloc(4);
      h.writeUInt16LE(tag, 0);
      h.writeUInt16LE(value.length, 2);
      return Buffer.concat([h, value]);
    }),
  );
}

const avih = chunk('avih', Buffer.alloc(56));

describe('AVI (RIFF)', () => {
  it('reads the IDIT date in the header list (Pentax, Casio, Konica forms too)', async () => {
    expect(
      await read('IMGP0001.AVI', avi(list('hdrl', avih, chunk('IDIT', 'Mon Mar 10 15:04:43 2003\n')))),
    ).toEqual({
      captureTime: '2003-03-10T15:04:43',
    });
    expect(
      (await read('CIMG0002.AVI', avi(list('hdrl', avih, chunk('IDIT', '2005/11/28/ 09:19'))))).captureTime,
    ).toBe('2005-11-28T09:19:00');
    expect(
      (await read('KONI0003.AVI', avi(list('hdrl', avih, chunk('IDIT', '2002-12-16  15:35:01\0\0')))))
        .captureTime,
    ).toBe('2002-12-16T15:35:01');
  });

  it("reads Canon's AVIF stream data as EXIF", async () => {
    const tiff = exifTiff('Canon', 'Canon PowerShot S30', '2003:07:26 11:23:40', 8);
    const avif = Buffer.concat([Buffer.from('AVIF\0\0\0\0', 'latin1'), tiff.subarray(8)]);
    const strl = list('strl', chunk('strh', Buffer.alloc(56)), chunk('strd', avif));
    expect(await read('MVI_0004.AVI', avi(list('hdrl', avih, strl)))).toEqual({
      captureTime: '2003-07-26T11:23:40',
      make: 'Canon',
      model: 'Canon PowerShot S30',
    });
  });

  it("reads Nikon's ncdt records, before an IDIT", async () => {
    const ncdt = list(
      'ncdt',
      chunk(
        'nctg',
        nctg([
          [0x03, 'NIKON'],
          [0x04, 'COOLPIX P5000'],
          [0x13, '2007:04:02 16:10:05'],
        ]),
      ),
    );
    const file = avi(list('hdrl', avih, chunk('IDIT', 'Tue Apr 03 16:10:05 2007')), ncdt);
    expect(await read('DSCN0005.AVI', file)).toEqual({
      captureTime: '2007-04-02T16:10:05',
      make: 'NIKON',
      model: 'COOLPIX P5000',
    });
  });

  it('reads the EXIF 2.3 exif list', async () => {
    const file = avi(
      list('hdrl', avih),
      list('exif', chunk('ecor', 'Kodak'), chunk('emdl', 'Z730'), chunk('etim', 'Sat Jun 14 12:00:30 2008')),
    );
    expect(await read('100_0006.AVI', file)).toEqual({
      captureTime: '2008-06-14T12:00:30',
      make: 'Kodak',
      model: 'Z730',
    });
  });

  it('gives no date when none of them is there', async () => {
    expect((await read('NODATE.AVI', avi(list('hdrl', avih)))).captureTime).toBeNull();
  });
});
