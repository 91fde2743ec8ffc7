import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { open, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modulePath, runUnprivileged } from '../watch/testing/unprivileged.js';
import { MetadataReadError, readCaptureTime, type CaptureInfo } from './exif.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = resolve(repoRoot, '../shared/fixtures/camera');

/**
 * Expected values per fixture. They are the ExifTool table of the fixtures' README.md
 * (DateTimeOriginal, else CreateDate, as `YYYY-MM-DDTHH:mm:ss[+HH:MM]`), except where noted.
 */
const expected: Record<string, CaptureInfo> = {
  'Canon.jpg': {
    captureTime: '2003-12-04T06:46:52',
    make: 'Canon',
    model: 'Canon EOS DIGITAL REBEL',
    width: 160,
    height: 120,
  },
  // Width and height: EXIF PixelX/YDimension as the camera wrote them, which is ExifTool's Megapixels
  // (3456 x 2304 = 8.0 MP); its ImageWidth column is the IFD0 preview's.
  'CanonRaw.cr2': {
    captureTime: '2005-08-03T18:59:18',
    make: 'Canon',
    model: 'Canon EOS 350D DIGITAL',
    width: 3456,
    height: 2304,
  },
  // exifr cannot read CR3 at all; exif.ts reads Canon's CMT1/CMT2 boxes itself. The file records
  // OffsetTimeOriginal +00:00, which ExifTool lists as a separate tag: appended here by design.
  // Serial, lens and 6000 x 4000 as ExifTool reads them (SerialNumber, LensModel, ImageWidth).
  'CanonRaw.cr3': {
    captureTime: '2018-02-21T12:08:56+00:00',
    make: 'Canon',
    model: 'Canon EOS M50',
    serial: '613040000565',
    lens: 'EF-M15-45mm f/3.5-6.3 IS STM',
    width: 6000,
    height: 4000,
  },
  // EXIF DateTimeOriginal has no offset, but the file's XMP records the same time as
  // 2005-08-03T18:59:18-04:00: the offset is taken from there, ExifTool's DateTimeOriginal shows none.
  'DNG.dng': { captureTime: '2005-08-03T18:59:18-04:00', make: 'Canon', model: 'Canon EOS 350D DIGITAL' },
  // ExifTool's own kitchen-sink test image: its EXIF block says FUJIFILM FinePix2400Zoom,
  // 2001:05:19 18:36:41 (ExifTool's CreateDate agrees), but ExifTool prefers the Canon CIFF block
  // hidden in an APP0 segment (Canon PowerShot A5, 1998:05:01 21:33:18), which exifr does not read.
  'ExifTool.jpg': {
    captureTime: '2001-05-19T18:36:41',
    make: 'FUJIFILM',
    model: 'FinePix2400Zoom',
    width: 100,
    height: 80,
  },
  // exifr cannot read RAF; exif.ts hands it the JPEG preview embedded in the RAF, whose EXIF matches
  // (its pixel size is the preview's, so none is given).
  'FujiFilm.raf': { captureTime: '2007-05-22T13:58:30', make: 'FUJIFILM', model: 'FinePix S5Pro' },
  'GPS.jpg': {
    captureTime: '2002-07-13T15:58:28',
    make: 'FUJIFILM',
    model: 'FinePixS1Pro',
    width: 2400,
    height: 1600,
  },
  'Nikon.nef': { captureTime: '2004-06-09T16:02:35', make: 'NIKON CORPORATION', model: 'NIKON D70' },
  'NikonD70.jpg': {
    captureTime: '2005-01-14T08:57:59',
    make: 'NIKON CORPORATION',
    model: 'NIKON D70',
    width: 3008,
    height: 2000,
  },
  'PLUS.xmp': { captureTime: null },
  'Panasonic.rw2': { captureTime: '2008-08-06T15:21:56', make: 'Panasonic', model: 'DMC-LX3' },
  // No EXIF: ExifTool's DateTimeOriginal is its composite of IPTC DateCreated + TimeCreated, as here.
  'PhotoMechanic.jpg': { captureTime: '2006-10-29T06:27:51-05:00' },
  'QuickTime.heic': { captureTime: null },
  // exifr cannot read QuickTime; exif.ts reads the movie header's CreateDate itself (as stored, no
  // zone, like ExifTool). ExifTool's Make comes from Pentax's proprietary TAGS atom, not read here.
  'QuickTime.mov': { captureTime: '2005-08-11T14:03:54' },
  'Sony.jpg': {
    captureTime: '2003-12-18T13:51:33',
    make: 'SONY',
    model: 'DSC-F828',
    width: 3264,
    height: 2448,
  },
  'XMP.xmp': { captureTime: '2005-06-09T20:09:27+02:00', make: 'Canon', model: 'Canon DIGITAL IXUS 40' },
};

let tmp: string;
beforeAll(() => {
  if (!existsSync(join(fixtures, 'README.md'))) {
    throw new Error(
      `camera fixtures not found at ${fixtures} (expected ../shared/fixtures/camera next to the repository)`,
    );
  }
  tmp = mkdtempSync(join(tmpdir(), 'keepsake-exif-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('readCaptureTime on real camera files', () => {
  it('has an expectation for every fixture', () => {
    const files = readdirSync(fixtures).filter((f) => f !== 'README.md');
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', async (file, want) => {
    expect(await readCaptureTime(join(fixtures, file))).toEqual(want);
  });

  it('never shifts times into the machine time zone', async () => {
    const saved = process.env['TZ'];
    try {
      for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
        process.env['TZ'] = zone;
        for (const file of ['Canon.jpg', 'CanonRaw.cr3', 'QuickTime.mov', 'XMP.xmp', 'PhotoMechanic.jpg']) {
          expect(await readCaptureTime(join(fixtures, file))).toEqual(expected[file]);
        }
      }
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });
});

describe('readCaptureTime on other files', () => {
  it('returns no capture time for formats it cannot read, without throwing', async () => {
    const cases: [string, Buffer][] = [
      ['notes.txt', Buffer.from('just some text\n')],
      ['empty.jpg', Buffer.alloc(0)],
      ['random.cr3', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251))],
      ['truncated.jpg', readFileSync(join(fixtures, 'Canon.jpg')).subarray(0, 100)],
      ['truncated.cr3', readFileSync(join(fixtures, 'CanonRaw.cr3')).subarray(0, 500)],
      ['truncated.mov', readFileSync(join(fixtures, 'QuickTime.mov')).subarray(0, 60)],
      ['broken.xmp', Buffer.from('<?xpacket begin="" id="x"?><x:xmpmeta><rdf:RDF><unclosed')],
    ];
    for (const [name, body] of cases) {
      const path = join(tmp, name);
      await writeFile(path, body);
      expect(await readCaptureTime(path), name).toEqual({ captureTime: null });
    }
  });

  it('throws an error naming the path for a missing file or a folder', async () => {
    const missing = join(tmp, 'gone.CR3');
    const err = await readCaptureTime(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetadataReadError);
    expect(err).toMatchObject({ path: missing, code: 'ENOENT' });
    expect((err as Error).message).toContain(missing);
    const folder = join(tmp, 'folder.jpg');
    mkdirSync(folder);
    await expect(readCaptureTime(folder)).rejects.toMatchObject({ path: folder, code: 'EISDIR' });
  });

  it('throws for a file it may not read', () => {
    const dir = join(tmp, 'locked');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(tmp, 0o755);
    const path = join(dir, 'IMG_0001.JPG');
    copyFileSync(join(fixtures, 'Canon.jpg'), path);
    chmodSync(path, 0o000);
    const script = `
      import { readCaptureTime } from ${JSON.stringify(modulePath('./exif.ts', import.meta.url))};
      const err = await readCaptureTime(process.argv[1]).then(() => null, (e) => e);
      console.log(JSON.stringify({ name: err?.name, code: err?.code, message: err?.message }));
    `;
    const got = JSON.parse(runUnprivileged(script, [path])) as Record<string, string>;
    expect(got).toEqual({
      name: 'MetadataReadError',
      code: 'EACCES',
      message: `cannot read metadata of ${path}: permission denied (EACCES)`,
    });
  });

  it('reads a phone video: Apple creation date with its offset, make and model, past a large mdat', async () => {
    const path = join(tmp, 'IMG_1234.MOV');
    const mdatSize = 3 * 1024 ** 3; // 3 GiB of (sparse) video data before the metadata
    const keys = [
      'com.apple.quicktime.make',
      'com.apple.quicktime.model',
      'com.apple.quicktime.creationdate',
    ];
    const values = ['Apple', 'iPhone 15 Pro', '2026-06-14T23:41:07+0200'];
    const moov = atom(
      'moov',
      atom('mvhd', Buffer.concat([u32(0), u32(3_864_000_000), u32(3_864_000_000), Buffer.alloc(88)])),
      atom(
        'meta',
        atom('hdlr', Buffer.concat([Buffer.alloc(8), Buffer.from('mdta'), Buffer.alloc(12)])),
        atom('keys', u32(0), u32(keys.length), ...keys.map((k) => atom('mdta', Buffer.from(k)))),
        atom('ilst', ...values.map((v, i) => atom(i + 1, atom('data', u32(1), u32(0), Buffer.from(v))))),
      ),
    );
    const ftyp = atom('ftyp', Buffer.from('qt  '), u32(0), Buffer.from('qt  '));
    const mdatHeader = Buffer.concat([u32(1), Buffer.from('mdat'), u64(mdatSize)]);
    await writeFile(path, Buffer.concat([ftyp, mdatHeader]));
    await truncate(path, ftyp.length + mdatSize);
    const fh = await open(path, 'a');
    await fh.write(moov, 0, moov.length, ftyp.length + mdatSize);
    await fh.close();
    const { result, bytesRead } = await countingReads(() => readCaptureTime(path));
    expect(result).toEqual({
      captureTime: '2026-06-14T23:41:07+02:00',
      make: 'Apple',
      model: 'iPhone 15 Pro',
    });
    expect(bytesRead).toBeLessThan(64 * 1024);
  });

  it('falls back to the movie header time, and to ©day/©mak/©mod user data', async () => {
    const path = join(tmp, 'CLIP0001.MP4');
    const text = (s: string) => Buffer.concat([u16(Buffer.byteLength(s)), u16(0x55c4), Buffer.from(s)]);
    const mvhdV1 = Buffer.concat([u32(0x01000000), u64(3_864_000_000), u64(3_864_000_000), Buffer.alloc(80)]);
    await writeFile(
      path,
      Buffer.concat([
        atom('ftyp', Buffer.from('mp42'), u32(0), Buffer.from('isom')),
        atom(
          'moov',
          atom('mvhd', mvhdV1),
          atom('udta', atom('©mak', text('Canon')), atom('©mod', text('EOS R6'))),
        ),
      ]),
    );
    // 3_864_000_000 s after 1904-01-01T00:00:00 is 2026-06-11T05:20:00, taken as stored.
    expect(await readCaptureTime(path)).toEqual({
      captureTime: '2026-06-11T05:20:00',
      make: 'Canon',
      model: 'EOS R6',
    });
    await writeFile(
      path,
      Buffer.concat([
        atom('ftyp', Buffer.from('mp42'), u32(0), Buffer.from('isom')),
        atom('moov', atom('mvhd', mvhdV1), atom('udta', atom('©day', text('2026-06-14T16:20:00-0400')))),
      ]),
    );
    expect(await readCaptureTime(path)).toEqual({ captureTime: '2026-06-14T16:20:00-04:00' });
  });

  it('reads only the start of large photos, never the whole file', async () => {
    for (const file of ['Canon.jpg', 'CanonRaw.cr2', 'Nikon.nef', 'FujiFilm.raf', 'PhotoMechanic.jpg']) {
      const path = join(tmp, `big-${file}`);
      copyFileSync(join(fixtures, file), path);
      await truncate(path, 200 * 1024 * 1024); // padded to 200 MiB (sparse), like a real RAW
      const { result, bytesRead } = await countingReads(() => readCaptureTime(path));
      expect(result, file).toEqual(expected[file]);
      expect(bytesRead, file).toBeLessThan(1024 * 1024);
    }
  });
});

/** Runs `fn`, counting the bytes every `FileHandle.read` returns meanwhile (exifr's reads included). */
async function countingReads<T>(fn: () => Promise<T>): Promise<{ result: T; bytesRead: number }> {
  const probe = await open(join(fixtures, 'README.md'), 'r');
  const proto = Object.getPrototypeOf(probe) as {
    read: (...args: unknown[]) => Promise<{ bytesRead: number }>;
  };
  await probe.close();
  const original = proto.read;
  let bytesRead = 0;
  proto.read = async function (this: unknown, ...args: unknown[]) {
    const r = await original.apply(this, args);
    bytesRead += r.bytesRead;
    return r;
  };
  try {
    return { result: await fn(), bytesRead };
  } finally {
    proto.read = original;
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
/** A QuickTime atom; `type` is four Latin-1 characters, or a number (ilst's key index). */
function atom(type: string | number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const t = typeof type === 'number' ? u32(type) : Buffer.from(type, 'latin1');
  return Buffer.concat([u32(8 + body.length), t, body]);
}
