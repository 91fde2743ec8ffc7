import { describe, expect, it } from 'vitest';
import { sampleReader } from './testing.js';

const read = sampleReader();

/** A CRW: header, a sub-heap (type 0x30) holding TimeStamp and the make/model record. */
function crw(seconds: number, le = true): Buffer {
  const u16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const u32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  // Sub-heap: [timestamp 12][make/model][dir: count, 2 entries][dir offset]
  const makeModel = Buffer.from('Canon\0Canon EOS D30\0', 'latin1');
  const sub = Buffer.alloc(12 + makeModel.length + 2 + 20 + 4);
  u32(sub, seconds, 0);
  makeModel.copy(sub, 12);
  const dir = 12 + makeModel.length;
  u16(sub, 2, dir);
  u16(sub, 0x180e, dir + 2);
  u32(sub, 12, dir + 4);
  u32(sub, 0, dir + 8);
  u16(sub, 0x080a, dir + 12);
  u32(sub, makeModel.length, dir + 14);
  u32(sub, 12, dir + 18);
  u32(sub, dir, sub.length - 4);
  // Root heap: [raw data 64][sub][dir: count 1, entry][dir offset]
  const root = Buffer.alloc(64 + sub.length + 2 + 10 + 4);
  sub.copy(root, 64);
  const rdir = 64 + sub.length;
  u16(root, 1, rdir);
  u16(root, 0x300a, rdir + 2);
  u32(root, sub.length, rdir + 4);
  u32(root, 64, rdir + 8);
  u32(root, rdir, root.length - 4);
  const header = Buffer.alloc(26);
  header.write(le ? 'II' : 'MM', 0, 'latin1');
  u32(header, 26, 2);
  header.write('HEAPCCDR', 6, 'latin1');
  return Buffer.concat([header, root]);
}

describe('Canon CRW (CIFF)', () => {
  it('reads the TimeStamp record and the make and model', async () => {
    const seconds = Date.UTC(2002, 5, 14, 15, 3, 54) / 1000;
    expect(await read('CRW_0001.CRW', crw(seconds))).toEqual({
      captureTime: '2002-06-14T15:03:54',
      make: 'Canon',
      model: 'Canon EOS D30',
    });
    expect((await read('CRW_0002.CRW', crw(seconds, false))).captureTime).toBe('2002-06-14T15:03:54');
  });

  it('gives no date for a zero timestamp or a broken heap', async () => {
    expect((await read('CRW_0003.CRW', crw(0))).captureTime).toBeNull();
    const broken = crw(1_000_000_000);
    broken.writeUInt32LE(0xffffff, broken.length - 4);
    expect((await read('CRW_0004.CRW', broken)).captureTime).toBeNull();
  });
});
