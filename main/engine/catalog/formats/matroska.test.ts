import { describe, expect, it } from 'vitest';
import { sampleReader } from './testing.js';

const read = sampleReader();

/** An EBML element: id bytes, an 8-byte size, the data. */
function el(id: number[], ...data: Buffer[]): Buffer {
  const body = Buffer.concat(data);
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length) | (1n << 56n));
  return Buffer.concat([Buffer.from(id), size, body]);
}

function mkv(dateUtc: Date | null, unknownSegmentSize = false): Buffer {
  const info: Buffer[] = [el([0x2a, 0xd7, 0xb1], Buffer.from([0x0f, 0x42, 0x40]))]; // TimecodeScale
  if (dateUtc) {
    const ns = Buffer.alloc(8);
    ns.writeBigInt64BE(BigInt(dateUtc.getTime() - Date.UTC(2001, 0, 1)) * 1_000_000n);
    info.push(el([0x44, 0x61], ns));
  }
  const header = el([0x1a, 0x45, 0xdf, 0xa3], el([0x42, 0x82], Buffer.from('matroska')));
  const children = Buffer.concat([
    el([0x11, 0x4d, 0x9b, 0x74]),
    el([0x15, 0x49, 0xa9, 0x66], ...info),
    el([0x1f, 0x43, 0xb6, 0x75], Buffer.alloc(2048)),
  ]);
  const segment = unknownSegmentSize
    ? Buffer.concat([
        Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        children,
      ])
    : el([0x18, 0x53, 0x80, 0x67], children);
  return Buffer.concat([header, segment]);
}

describe('Matroska', () => {
  const when = new Date(Date.UTC(2019, 6, 20, 18, 45, 12));

  it('reads Segment/Info/DateUTC as UTC', async () => {
    expect(await read('C0001.MKV', mkv(when))).toEqual({ captureTime: '2019-07-20T18:45:12+00:00' });
    expect((await read('C0002.MKV', mkv(when, true))).captureTime).toBe('2019-07-20T18:45:12+00:00');
  });

  it('gives no date without DateUTC', async () => {
    expect((await read('C0003.MKV', mkv(null))).captureTime).toBeNull();
  });
});
