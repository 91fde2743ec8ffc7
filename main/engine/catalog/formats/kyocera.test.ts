import { describe, expect, it } from 'vitest';
import { sampleReader } from './testing.js';

const read = sampleReader();

/** The 156-byte header with its strings reversed, as the Contax N Digital writes it. */
function kyocera(date: string): Buffer {
  const h = Buffer.alloc(156 + 64);
  const put = (text: string, at: number, length: number) =>
    Buffer.from([...text].reverse().join('').padEnd(length, '\0'), 'latin1').copy(h, at);
  put('N DIGITAL', 0x0c, 12);
  put('KYOCERA', 0x19, 7);
  put(date, 0x21, 20);
  return h;
}

describe('Kyocera / Contax N Digital RAW', () => {
  it('reads the reversed date, make and model of the header', async () => {
    expect(await read('N0000001.RAW', kyocera('2002:11:05 10:15:44'))).toEqual({
      captureTime: '2002-11-05T10:15:44',
      make: 'KYOCERA',
      model: 'N DIGITAL',
    });
  });

  it('gives no date for a blank clock', async () => {
    expect((await read('N0000002.RAW', kyocera('0000:00:00 00:00:00'))).captureTime).toBeNull();
  });
});
