import { describe, expect, it } from 'vitest';
import { sampleReader } from './testing.js';

const read = sampleReader();

const UUID = Buffer.from('17ee8c60f84d11d98cd60800200c9a664d44504d', 'hex');
const bcd = (n: number) => parseInt(String(n).padStart(2, '0'), 16);

/** An H.264 SEI NAL (unregistered user data) with the MDPM date records and the maker code. */
function sei(tz: number, y: number, mo: number, d: number, h: number, mi: number, s: number): Buffer {
  const records = Buffer.from([
    0x18,
    tz,
    bcd(Math.floor(y / 100)),
    bcd(y % 100),
    bcd(mo),
    0x19,
    bcd(d),
    bcd(h),
    bcd(mi),
    bcd(s),
    0xe0,
    0x01,
    0x08,
    0x00,
    0x00,
  ]);
  const payload = Buffer.concat([UUID, Buffer.from([3]), records]);
  return Buffer.concat([Buffer.from([0, 0, 0, 1, 0x06, 0x05, payload.length]), payload, Buffer.from([0x80])]);
}

/** One 188-byte transport packet of `pid` carrying `payload` (padded with 0xff). */
function packet(pid: number, start: boolean, payload: Buffer): Buffer {
  const p = Buffer.alloc(188, 0xff);
  p.writeUInt16BE((start ? 0x4000 : 0) | pid, 1);
  p[0] = 0x47;
  p[3] = 0x10;
  payload.copy(p, 4, 0, 184);
  return p;
}

/** The program tables: PAT (program 1 at PID 0x100) and PMT (H.264, stream type 0x1b, on 0x1011). */
const TABLES = [
  packet(0, true, Buffer.from('0000b00d0001c100000001e100' + '00000000', 'hex')),
  packet(0x100, true, Buffer.from('0002b0120001c10000f011f000' + '1bf011f000' + '00000000', 'hex')),
];

/**
 * `stream` as the H.264 elementary stream of a transport stream: the tables, then one PES packet cut
 * into 184-byte payloads; 192-byte packets with a time code first when `m2ts`.
 */
function transport(stream: Buffer, m2ts: boolean): Buffer {
  const pes = Buffer.concat([Buffer.from('000001e0000084800521000100010000', 'hex').subarray(0, 14), stream]);
  const packets = [...TABLES];
  for (let at = 0; at < pes.length || packets.length < 6; at += 184)
    packets.push(packet(0x1011, at === 0, pes.subarray(Math.min(at, pes.length), at + 184)));
  return Buffer.concat(packets.map((p) => (m2ts ? Buffer.concat([Buffer.alloc(4), p]) : p)));
}

describe('AVCHD MTS/M2TS', () => {
  // The SEI starts 150 bytes in: the MDPM record spans two transport packets.
  const stream = Buffer.concat([Buffer.alloc(150), sei(0x12, 2011, 9, 3, 16, 7, 29), Buffer.alloc(300)]);

  it('reads the MDPM date with its zone and the maker from the H.264 SEI', async () => {
    expect(await read('00001.MTS', transport(stream, true))).toEqual({
      captureTime: '2011-09-03T16:07:29+09:00',
      make: 'Sony',
    });
    expect((await read('00002.m2ts', transport(stream, true))).captureTime).toBe('2011-09-03T16:07:29+09:00');
    expect((await read('00003.MTS', transport(stream, false))).captureTime).toBe('2011-09-03T16:07:29+09:00');
  });

  it('gives no date without MDPM, or for a date that is not BCD', async () => {
    expect((await read('00004.MTS', transport(Buffer.alloc(600), true))).captureTime).toBeNull();
    const bad = Buffer.concat([sei(0x12, 2011, 9, 3, 16, 7, 29)]);
    bad[bad.indexOf(UUID) + UUID.length + 3] = 0xaa; // year digits
    expect((await read('00005.MTS', transport(bad, true))).captureTime).toBeNull();
  });
});
