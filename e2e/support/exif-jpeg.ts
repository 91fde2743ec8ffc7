/**
 * Builds a camera-like JPEG: a main image with an EXIF block (APP1) holding a capture time and, in
 * IFD1, an embedded preview JPEG, as cameras write them. Both images are real JPEGs (rendered by the
 * browser), so the engine's preview route has a real thumbnail to extract.
 */

interface Entry {
  tag: number;
  type: 2 | 3 | 4;
  count: number;
  value: number | Buffer;
}

/** One IFD at `offset`: entries, the next IFD's offset, then values that do not fit in 4 bytes. */
function ifd(entries: Entry[], offset: number, next: number): Buffer {
  const head = 2 + entries.length * 12 + 4;
  const out = Buffer.alloc(head);
  const extra: Buffer[] = [];
  let extraAt = offset + head;
  out.writeUInt16LE(entries.length, 0);
  entries.forEach((e, i) => {
    const at = 2 + i * 12;
    out.writeUInt16LE(e.tag, at);
    out.writeUInt16LE(e.type, at + 2);
    out.writeUInt32LE(e.count, at + 4);
    if (Buffer.isBuffer(e.value)) {
      out.writeUInt32LE(extraAt, at + 8);
      extra.push(e.value);
      extraAt += e.value.length;
    } else if (e.type === 3) out.writeUInt16LE(e.value, at + 8);
    else out.writeUInt32LE(e.value, at + 8);
  });
  out.writeUInt32LE(next, head - 4);
  return Buffer.concat([out, ...extra]);
}

/** The size an IFD takes, with its out-of-line values. */
function ifdSize(entries: Entry[]): number {
  return (
    2 +
    entries.length * 12 +
    4 +
    entries.reduce((n, e) => n + (Buffer.isBuffer(e.value) ? e.value.length : 0), 0)
  );
}

/** `main` (a JPEG) with an EXIF APP1 segment: DateTimeOriginal `taken` (`2026:06:14 15:02:11`) and `thumbnail`. */
export function withExif(main: Buffer, thumbnail: Buffer, taken: string): Buffer {
  if (main[0] !== 0xff || main[1] !== 0xd8) throw new Error('not a JPEG');
  const date = Buffer.from(`${taken}\0`, 'ascii');
  // Layout: header (8) | IFD0 | Exif IFD | IFD1 | thumbnail.
  const ifd0At = 8;
  const ifd0Entries = (exifAt: number): Entry[] => [{ tag: 0x8769, type: 4, count: 1, value: exifAt }];
  const exifAt = ifd0At + ifdSize(ifd0Entries(0));
  const exifEntries: Entry[] = [{ tag: 0x9003, type: 2, count: date.length, value: date }];
  const ifd1At = exifAt + ifdSize(exifEntries);
  const ifd1Entries = (thumbAt: number): Entry[] => [
    { tag: 0x0103, type: 3, count: 1, value: 6 },
    { tag: 0x0201, type: 4, count: 1, value: thumbAt },
    { tag: 0x0202, type: 4, count: 1, value: thumbnail.length },
  ];
  const thumbAt = ifd1At + ifdSize(ifd1Entries(0));
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  const tiff = Buffer.concat([
    header,
    ifd(ifd0Entries(exifAt), ifd0At, ifd1At),
    ifd(exifEntries, exifAt, 0),
    ifd(ifd1Entries(thumbAt), ifd1At, 0),
    thumbnail,
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'ascii'), tiff]);
  if (payload.length + 2 > 0xffff) throw new Error('EXIF block too large for one APP1 segment');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(payload.length + 2);
  return Buffer.concat([main.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, payload, main.subarray(2)]);
}
