/**
 * Reads when a photo or video was taken, and with which camera, for sorting files into weddings.
 * JPEG, TIFF-based RAW (CR2, NEF, ARW, DNG, RW2, ORF, ...), HEIC and PNG go through exifr, which reads
 * a few small chunks, never the whole file; Fuji RAF, Canon CR3 and QuickTime/MP4 videos, which
 * exifr does not know, are read here from their metadata boxes only; `.xmp` sidecars are parsed whole
 * (they are small text files).
 */
import * as exifrModule from 'exifr';
import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { findBox, listBoxes, readAt, readContent } from './bmff.js';
import { fromExif, fromIptc, fromQuickTimeSeconds, fromXmp, withOffsetFrom } from './exif-dates.js';
import { FORMATS } from './formats/index.js';
import { fileSource, type FormatInfo } from './formats/source.js';

/** When and with what a file was captured; every field absent or null when the file does not say. */
export interface CaptureInfo {
  /** `YYYY-MM-DDTHH:mm:ss`, plus `+HH:MM` only when the file records the offset. Never shifted. */
  captureTime: string | null;
  make?: string;
  model?: string;
  /** The camera body's serial number (EXIF BodySerialNumber): tells two bodies of one model apart. */
  serial?: string;
  /** The lens (EXIF LensModel). */
  lens?: string;
  /** Pixel dimensions of the full image (EXIF PixelX/YDimension, else a full-size IFD0), never a thumbnail's. */
  width?: number;
  height?: number;
}

/** The file could not be read at all (missing, unreadable, a folder): not "no metadata". */
export class MetadataReadError extends Error {
  override readonly name = 'MetadataReadError';
  constructor(
    readonly path: string,
    /** The system error code, e.g. `ENOENT`, `EACCES`, `EISDIR`. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read metadata of ${path}: ${message}`, options);
  }
}

/**
 * exifr's ESM build (used by Vite/vitest) has `sidecar` only as a named export; its CommonJS build
 * (used by plain Node) has everything only on the default export.
 */
const exifr = {
  parse: exifrModule.parse ?? exifrModule.default.parse,
  sidecar: exifrModule.sidecar ?? exifrModule.default.sidecar,
};

const NOTHING: CaptureInfo = { captureTime: null };

/** Largest metadata block read whole: a sidecar, a CR3 metadata box, a QuickTime `udta`/`meta`. */
const MAX_BLOCK = 16 * 1024 * 1024;
/** How much of a RAF's embedded JPEG is read: its EXIF block sits at the start. */
const RAF_JPEG_PREFIX = 512 * 1024;
/** How much of a photo is read when exifr cannot be given its path (see `readCaptureTime`). */
const LONG_PATH_PREFIX = 1024 * 1024;
/** Canon's CR3 metadata box (holds CMT1 = IFD0 and CMT2 = EXIF IFD as TIFF structures). */
const CR3_UUID = '85c0b687820f11e08111f4ce462b6a48';

const XMP_NS = {
  exif: 'http://ns.adobe.com/exif/1.0/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  tiff: 'http://ns.adobe.com/tiff/1.0/',
} as const;
/** The prefixes these namespaces usually have, for XMP whose declarations exifr did not report. */
const XMP_PREFIXES: Record<keyof typeof XMP_NS, string[]> = {
  exif: ['exif'],
  xmp: ['xmp', 'xap'],
  photoshop: ['photoshop'],
  tiff: ['tiff'],
};

/** exifr options: raw strings (no Date objects shifted into the local zone), numeric tag keys. */
const EXIFR_OPTIONS = {
  reviveValues: false,
  translateKeys: false,
  translateValues: false,
  mergeOutput: false,
  sanitize: true,
  ifd0: {},
  exif: true,
  gps: false,
  interop: false,
  ifd1: false,
  makerNote: false,
  userComment: false,
  xmp: { parse: false } as boolean | { parse: boolean },
  iptc: false,
  icc: false,
  jfif: false,
  ihdr: false,
};
/** The second pass: IPTC only (see `readWithExifr`). */
const IPTC_ONLY = { ...EXIFR_OPTIONS, exif: false, xmp: false, iptc: true };
const NO_XMP = { ...EXIFR_OPTIONS, xmp: false };
const EXIFR_SIDECAR_OPTIONS = { reviveValues: false, translateKeys: false, translateValues: false };

const TAG = {
  make: 0x010f,
  model: 0x0110,
  dateTimeOriginal: 0x9003,
  createDate: 0x9004,
  offsetTimeOriginal: 0x9011,
  offsetTimeDigitized: 0x9012,
  iptcDateCreated: 55,
  iptcTimeCreated: 60,
  newSubfileType: 0x00fe,
  imageWidth: 0x0100,
  imageHeight: 0x0101,
  pixelX: 0xa002,
  pixelY: 0xa003,
  bodySerial: 0xa431,
  lensModel: 0xa434,
} as const;

type Tags = Record<string | number, unknown>;

/**
 * The capture time, make and model of the file at `path`: DateTimeOriginal, else CreateDate, else
 * null (see `CaptureInfo`). A format nobody here can read gives `{ captureTime: null }`; a file that
 * cannot be opened or read throws a `MetadataReadError` naming the path.
 */
export async function readCaptureTime(path: string): Promise<CaptureInfo> {
  const abs = resolve(path);
  let fh: FileHandle;
  try {
    fh = await open(abs, 'r');
  } catch (err) {
    throw readError(abs, err);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new MetadataReadError(abs, 'EISDIR', 'it is a folder, not a file');
    const head = await readAt(fh, 0, HEAD);
    const format = FORMATS.find((f) => f.is(head, abs));
    if (format) return await fromFormat(await format.read(fileSource(fh, st.size)));
    switch (sniff(head, abs)) {
      case 'exifr':
        // exifr takes a path longer than 10,000 characters for base64 data: hand it the start instead.
        return await readWithExifr(abs.length > 4096 ? await readAt(fh, 0, LONG_PATH_PREFIX) : abs);
      case 'raf':
        return await readRaf(fh, head);
      case 'cr3':
        return await readCr3(fh, st.size);
      case 'quicktime':
        return await readQuickTime(fh, st.size);
      case 'xmp':
        return await readSidecar(fh, st.size);
      case 'unknown':
        return NOTHING;
    }
  } catch (err) {
    if (err instanceof MetadataReadError) throw err;
    if (isSystemError(err)) throw readError(abs, err);
    return NOTHING; // malformed metadata: as if there were none
  } finally {
    await fh.close();
  }
}

/** The first bytes every format is recognised by (an MPEG-TS needs three packets' sync bytes). */
const HEAD = 1024;

/** A format reader's result, with the EXIF block it embeds (if any) read by exifr first. */
async function fromFormat(found: FormatInfo): Promise<CaptureInfo> {
  const exif = found.exif ? await readWithExifr(found.exif) : NOTHING;
  const { captureTime: _t, make: _m, model: _o, ...body } = exif;
  return {
    ...info(exif.captureTime ?? found.captureTime, exif.make ?? found.make, exif.model ?? found.model),
    ...body,
  };
}

type Format = 'exifr' | 'raf' | 'cr3' | 'quicktime' | 'xmp' | 'unknown';

/** The reader for a file, from its first bytes (and, for sidecars, its extension). */
function sniff(head: Buffer, path: string): Format {
  if (head.length < 4) return 'unknown';
  const first2 = head.readUInt16BE(0);
  if (first2 === 0xffd8 || first2 === 0x4949 || first2 === 0x4d4d) return 'exifr'; // JPEG, TIFF family
  if (head.readUInt32BE(0) === 0x89504e47) return 'exifr'; // PNG
  if (head.toString('latin1', 0, 15) === 'FUJIFILMCCD-RAW') return 'raf';
  const box = head.length >= 8 ? head.toString('latin1', 4, 8) : '';
  if (box === 'ftyp') {
    const ftypEnd = Math.min(head.readUInt32BE(0), head.length);
    const brands: string[] = [];
    for (let at = 8; at + 4 <= ftypEnd; at += 4)
      if (at !== 12) brands.push(head.toString('latin1', at, at + 4));
    if (brands.includes('crx ')) return 'cr3';
    if (brands.includes('heic') || brands.includes('avif')) return 'exifr';
    return 'quicktime'; // MOV, MP4 and their camera-brand variants
  }
  if (['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(box)) return 'quicktime'; // old MOV
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text.startsWith('<?xpacket') || text.startsWith('<x:xmpmeta') || text.startsWith('<x:xapmeta'))
    return 'xmp';
  if (/\.xmp$/i.test(path) && text.startsWith('<')) return 'xmp';
  return 'unknown';
}

/**
 * JPEG, TIFF-based RAW, HEIC and PNG: EXIF first, then XMP and IPTC for what EXIF lacks. IPTC is
 * read in a second pass only when EXIF has no DateTimeOriginal: exifr fails the whole parse on the
 * IPTC blocks some RAW files carry (Nikon NEF), so it must never spoil the EXIF pass.
 */
async function readWithExifr(input: string | Uint8Array): Promise<CaptureInfo> {
  let out = await exifrParse(input, EXIFR_OPTIONS);
  // A block exifr chokes on fails the whole parse: try again without the XMP packet.
  if (out?.errors !== undefined && out.exif === undefined) out = await exifrParse(input, NO_XMP);
  const exif = out?.exif ?? {};
  const xmp = typeof out?.xmp === 'string' ? await parseXmp(out.xmp) : undefined;
  const original = fromExif(exif[TAG.dateTimeOriginal], exif[TAG.offsetTimeOriginal]);
  const created = fromExif(exif[TAG.createDate], exif[TAG.offsetTimeDigitized]);
  let iptcTime: string | null = null;
  if (original === null && (xmp?.original ?? null) === null) {
    const iptc = (await exifrParse(input, IPTC_ONLY))?.iptc ?? {};
    iptcTime = fromIptc(iptc[TAG.iptcDateCreated], iptc[TAG.iptcTimeCreated]);
  }
  const captureTime =
    withOffsetFrom(original, xmp?.original ?? null) ??
    xmp?.original ??
    iptcTime ??
    xmp?.dateCreated ??
    withOffsetFrom(created, xmp?.created ?? null) ??
    xmp?.created ??
    null;
  return {
    ...info(captureTime, out?.ifd0?.[TAG.make] ?? xmp?.make, out?.ifd0?.[TAG.model] ?? xmp?.model),
    ...bodyAndImage(out?.ifd0 ?? {}, exif),
  };
}

/**
 * Serial, lens and full-image dimensions from IFD0 and the EXIF IFD. A RAW's IFD0 is often its
 * thumbnail (NewSubfileType 1): its size is not the photo's, so it is used only when not marked so.
 */
function bodyAndImage(ifd0: Tags, exif: Tags): Partial<CaptureInfo> {
  const out: Partial<CaptureInfo> = {};
  const serial = text(exif[TAG.bodySerial]);
  const lens = text(exif[TAG.lensModel]);
  if (serial) out.serial = serial;
  if (lens) out.lens = lens;
  const px = [positive(exif[TAG.pixelX]), positive(exif[TAG.pixelY])];
  const full = ifd0[TAG.newSubfileType] !== 1;
  const ifd = full ? [positive(ifd0[TAG.imageWidth]), positive(ifd0[TAG.imageHeight])] : [];
  const [w, h] = px[0] && px[1] ? px : ifd;
  if (w && h) {
    out.width = w;
    out.height = h;
  }
  return out;
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/** What exifr returns with `mergeOutput: false`: one object per block, `errors` if any failed. */
interface ExifrOutput {
  ifd0?: Tags;
  exif?: Tags;
  iptc?: Tags;
  xmp?: unknown;
  errors?: unknown[];
}

/** exifr's output by block, or undefined for a format or block it cannot read; system errors thrown. */
async function exifrParse(
  input: string | Uint8Array,
  options: typeof EXIFR_OPTIONS,
): Promise<ExifrOutput | undefined> {
  try {
    return (await exifr.parse(input, options)) as ExifrOutput | undefined;
  } catch (err) {
    if (isSystemError(err)) throw err;
    return undefined; // unknown or broken format
  }
}

/** Fuji RAF: a header, then a JPEG preview that carries the EXIF block. */
async function readRaf(fh: FileHandle, head: Buffer): Promise<CaptureInfo> {
  const more = head.length >= 92 ? head : await readAt(fh, 0, 92);
  if (more.length < 92) return NOTHING;
  const offset = more.readUInt32BE(84);
  const length = more.readUInt32BE(88);
  const jpeg = await readAt(fh, offset, Math.min(length, RAF_JPEG_PREFIX));
  if (jpeg.length < 4 || jpeg.readUInt16BE(0) !== 0xffd8) return NOTHING;
  // The preview's pixel size is the preview's, not the sensor's: left unknown.
  const { width: _w, height: _h, ...found } = await readWithExifr(jpeg);
  return found;
}

/** Canon CR3: `moov/uuid(Canon)/CMT1` (IFD0: make, model) and `CMT2` (EXIF: dates, offsets). */
async function readCr3(fh: FileHandle, size: number): Promise<CaptureInfo> {
  const moov = findBox(await listBoxes(fh, 0, size), 'moov');
  if (!moov) return NOTHING;
  const canon = findBox(await listBoxes(fh, moov.contentStart, moov.end), 'uuid', CR3_UUID);
  if (!canon) return NOTHING;
  const boxes = await listBoxes(fh, canon.contentStart, canon.end);
  const ifd0 = await tiffIfd0(fh, findBox(boxes, 'CMT1'));
  const exif = await tiffIfd0(fh, findBox(boxes, 'CMT2'));
  const captureTime =
    fromExif(exif[TAG.dateTimeOriginal], exif[TAG.offsetTimeOriginal]) ??
    fromExif(exif[TAG.createDate], exif[TAG.offsetTimeDigitized]);
  return { ...info(captureTime, ifd0[TAG.make], ifd0[TAG.model]), ...bodyAndImage(ifd0, exif) };
}

/** The first IFD of a TIFF structure stored as a box's content, by numeric tag. */
async function tiffIfd0(fh: FileHandle, box: ReturnType<typeof findBox>): Promise<Tags> {
  if (!box) return {};
  const content = await readContent(fh, box, MAX_BLOCK);
  if (!content) return {};
  try {
    const out = (await exifr.parse(content, { ...EXIFR_OPTIONS, exif: false, xmp: false })) as
      { ifd0?: Tags } | undefined;
    return out?.ifd0 ?? {};
  } catch {
    return {};
  }
}

/**
 * QuickTime MOV and MP4: Apple's `com.apple.quicktime.creationdate` (local time with offset) if
 * present, else a `©day` user-data date, else the movie header's creation time as stored (cameras
 * write local time or UTC there, and the file does not say which). Make and model from the Apple
 * keys or `©mak`/`©mod`.
 */
async function readQuickTime(fh: FileHandle, size: number): Promise<CaptureInfo> {
  const moov = findBox(await listBoxes(fh, 0, size), 'moov');
  if (!moov) return NOTHING;
  const children = await listBoxes(fh, moov.contentStart, moov.end);
  const keys = await appleKeys(fh, findBox(children, 'meta'));
  const udta = await userData(fh, findBox(children, 'udta'));
  let movieTime: string | null = null;
  const mvhd = findBox(children, 'mvhd');
  if (mvhd) {
    const c = await readAt(fh, mvhd.contentStart, 12);
    if (c.length >= 8 && c[0] === 0) movieTime = fromQuickTimeSeconds(c.readUInt32BE(4));
    else if (c.length >= 12 && c[0] === 1) movieTime = fromQuickTimeSeconds(Number(c.readBigUInt64BE(4)));
  }
  const captureTime =
    quickTimeDate(keys['com.apple.quicktime.creationdate']) ?? quickTimeDate(udta['\u00a9day']) ?? movieTime;
  return info(
    captureTime,
    keys['com.apple.quicktime.make'] ?? udta['\u00a9mak'],
    keys['com.apple.quicktime.model'] ?? udta['\u00a9mod'],
  );
}

/** `2026-06-14T15:03:54+0200` and the like, as written by phones and editors. */
function quickTimeDate(value: string | undefined): string | null {
  return value === undefined ? null : fromXmp(value);
}

/** The string values of a QuickTime `meta` box's `keys`/`ilst` pairs (`mdta` handler). */
async function appleKeys(fh: FileHandle, meta: ReturnType<typeof findBox>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!meta) return out;
  const peek = await readAt(fh, meta.contentStart, 8);
  // QuickTime's meta has no version/flags; the ISO (MP4) one does.
  const start = peek.toString('latin1', 4, 8) === 'hdlr' ? meta.contentStart : meta.contentStart + 4;
  const boxes = await listBoxes(fh, start, meta.end);
  const keysBox = findBox(boxes, 'keys');
  const ilstBox = findBox(boxes, 'ilst');
  const keys = keysBox && (await readContent(fh, keysBox, MAX_BLOCK));
  const ilst = ilstBox && (await readContent(fh, ilstBox, MAX_BLOCK));
  if (!keys || !ilst || keys.length < 8) return out;
  const names: string[] = [];
  for (let at = 8; at + 8 <= keys.length;) {
    const size = keys.readUInt32BE(at);
    if (size < 8 || at + size > keys.length) break;
    names.push(keys.toString('utf8', at + 8, at + size));
    at += size;
  }
  for (let at = 0; at + 8 <= ilst.length;) {
    const size = ilst.readUInt32BE(at);
    if (size < 8 || at + size > ilst.length) break;
    const name = names[ilst.readUInt32BE(at + 4) - 1];
    const value = dataValue(ilst.subarray(at + 8, at + size));
    if (name !== undefined && value !== undefined) out[name] = value;
    at += size;
  }
  return out;
}

/** The UTF-8 text of the first `data` box in `buf` (type 1), if any. */
function dataValue(buf: Buffer): string | undefined {
  if (buf.length < 16 || buf.toString('latin1', 4, 8) !== 'data') return undefined;
  const size = Math.min(buf.readUInt32BE(0), buf.length);
  if (buf.readUInt32BE(8) !== 1) return undefined;
  return buf.toString('utf8', 16, size);
}

/** QuickTime user-data text atoms (`©day`, `©mak`, `©mod`): 16-bit length, language, text. */
async function userData(fh: FileHandle, udta: ReturnType<typeof findBox>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!udta) return out;
  for (const box of await listBoxes(fh, udta.contentStart, udta.end)) {
    if (!['\u00a9day', '\u00a9mak', '\u00a9mod'].includes(box.type)) continue;
    const c = await readContent(fh, box, 4096);
    if (!c || c.length < 4) continue;
    const length = c.readUInt16BE(0);
    out[box.type] = c.toString('utf8', 4, Math.min(4 + length, c.length));
  }
  return out;
}

/** An `.xmp` sidecar: the dates and camera Lightroom, Capture One or the camera wrote there. */
async function readSidecar(fh: FileHandle, size: number): Promise<CaptureInfo> {
  if (size > MAX_BLOCK) return NOTHING;
  const xmp = await parseXmp((await readAt(fh, 0, size)).toString('utf8'));
  if (!xmp) return NOTHING;
  return info(xmp.original ?? xmp.dateCreated ?? xmp.created, xmp.make, xmp.model);
}

interface XmpDates {
  original: string | null;
  created: string | null;
  dateCreated: string | null;
  make: unknown;
  model: unknown;
}

/** The capture-related fields of an XMP packet, looked up by namespace, not by prefix. */
async function parseXmp(packet: string): Promise<XmpDates | undefined> {
  // UTF-16 packets come through as text with a NUL after each ASCII character.
  const text = packet.includes('\0') ? packet.replace(/\0/g, '') : packet;
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = (await exifr.sidecar(Buffer.from(text, 'utf8'), EXIFR_SIDECAR_OPTIONS, 'xmp')) as typeof parsed;
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const declared = (parsed['xmlns'] ?? {}) as Record<string, unknown>;
  const ns = (which: keyof typeof XMP_NS): Tags => {
    const merged: Tags = {};
    const prefixes = Object.keys(declared).filter((p) => declared[p] === XMP_NS[which]);
    for (const prefix of [...XMP_PREFIXES[which], ...prefixes]) {
      const group = parsed[prefix];
      if (group && typeof group === 'object') Object.assign(merged, group);
    }
    return merged;
  };
  const exif = ns('exif');
  const xmp = ns('xmp');
  const tiff = ns('tiff');
  return {
    original: fromXmp(exif['DateTimeOriginal']),
    created: fromXmp(exif['DateTimeDigitized']) ?? fromXmp(xmp['CreateDate']),
    dateCreated: fromXmp(ns('photoshop')['DateCreated']),
    make: tiff['Make'],
    model: tiff['Model'],
  };
}

/** The result, with make and model only when they are non-empty text. */
function info(captureTime: string | null, make: unknown, model: unknown): CaptureInfo {
  const out: CaptureInfo = { captureTime };
  const m = text(make);
  const mo = text(model);
  if (m) out.make = m;
  if (mo) out.model = mo;
  return out;
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.replace(/\0/g, '').trim();
  return t === '' ? undefined : t;
}

/** True for errors from the operating system (they carry `code` and `syscall`). */
function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && 'syscall' in err;
}

function readError(path: string, err: unknown): MetadataReadError {
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? 'EIO';
  const reasons: Record<string, string> = {
    ENOENT: 'the file does not exist (moved or deleted?)',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'it is a folder, not a file',
    EIO: 'input/output error (is the drive failing or unplugged?)',
  };
  return new MetadataReadError(path, code, `${reasons[code] ?? e.message} (${code})`, { cause: err });
}
