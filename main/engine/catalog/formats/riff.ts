/**
 * AVI (RIFF) movies of older still cameras. Their date is in the header list, read chunk by chunk
 * (the `movi` data is skipped by seeking): Canon's `strd` AVIF block (an EXIF IFD0, see ifd.ts),
 * Nikon's `ncdt/nctg` records (0x13 DateTimeOriginal), the `IDIT` chunk (`Mon Mar 10 15:04:43 2003`
 * and the Casio/Konica variants ExifTool knows), the EXIF 2.3 `exif` list (`etim`, `ecor`, `emdl`),
 * and `INFO/DTIM`. Make and model from Nikon's records or `exif`.
 */
import { fromExif } from '../exif-dates.js';
import { readIfd } from './ifd.js';
import { cleanText, type ByteSource, type FormatInfo } from './source.js';

const MAX_CHUNK = 1024 * 1024;
const MAX_CHUNKS = 4096;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function isAvi(head: Buffer): boolean {
  return (
    head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'AVI '
  );
}

interface Found {
  avif?: Buffer;
  nikon: Record<number, string>;
  idit?: string;
  exif: Record<string, string>;
  dtim?: string;
}

export async function readAvi(src: ByteSource): Promise<FormatInfo> {
  const found: Found = { nikon: {}, exif: {} };
  let chunks = 0;
  async function walk(start: number, end: number, list: string): Promise<void> {
    for (let at = start; at + 8 <= end && chunks++ < MAX_CHUNKS;) {
      const h = await src.read(at, 12);
      if (h.length < 8) return;
      const id = h.toString('latin1', 0, 4);
      const size = h.readUInt32LE(4);
      const next = at + 8 + size + (size & 1);
      if (id === 'LIST' && h.length === 12) {
        const kind = h.toString('latin1', 8, 12);
        if (kind === 'movi') return; // the frames: the header lists come before them
        if (['hdrl', 'strl', 'INFO', 'exif', 'ncdt'].includes(kind))
          await walk(at + 12, Math.min(end, at + 8 + size), kind);
      } else if (size <= MAX_CHUNK && ['IDIT', 'strd', 'nctg', 'etim', 'ecor', 'emdl', 'DTIM'].includes(id)) {
        chunk(id, list, await src.read(at + 8, size), found);
      }
      at = next;
    }
  }
  await walk(12, src.size, 'RIFF');
  // Canon's AVIF block: IFD0 at offset 8, its offsets counted from there, little-endian.
  const canon = found.avif ? readIfd(found.avif, 8, 8, true) : { captureTime: null };
  return {
    captureTime:
      canon.captureTime ??
      fromExif(found.nikon[0x13]) ??
      fromRiffDate(found.idit) ??
      fromRiffDate(found.exif['etim']) ??
      fromRiffDate(found.dtim) ??
      null,
    make: canon.make ?? cleanText(found.nikon[0x03] ?? found.exif['ecor'] ?? ''),
    model: canon.model ?? cleanText(found.nikon[0x04] ?? found.exif['emdl'] ?? ''),
  };
}

function chunk(id: string, list: string, data: Buffer, found: Found): void {
  const text = () => data.toString('latin1').replace(/\0+$/, '');
  if (id === 'IDIT') found.idit = text();
  else if (id === 'DTIM' && list === 'INFO') found.dtim = text();
  else if (id === 'strd' && data.toString('latin1', 0, 4) === 'AVIF') found.avif = data;
  else if (list === 'exif') found.exif[id] = text();
  else if (id === 'nctg') {
    // Records of 16-bit tag and size, little-endian.
    for (let at = 0; at + 4 <= data.length;) {
      const tag = data.readUInt16LE(at);
      const size = data.readUInt16LE(at + 2);
      if (at + 4 + size > data.length) break;
      found.nikon[tag] = data.toString('latin1', at + 4, at + 4 + size).replace(/\0+$/, '');
      at += 4 + size;
    }
  }
}

/** The date forms AVI cameras write, as ExifTool's ConvertRIFFDate reads them. */
export function fromRiffDate(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  const parts = v.split(/\s+/);
  const month = parts.length >= 5 ? MONTHS.indexOf(parts[1]!.slice(0, 3).toLowerCase()) : -1;
  if (month >= 0 && /^\d{1,2}$/.test(parts[2]!) && /^\d{4}$/.test(parts[4]!)) {
    return fromExif(
      `${parts[4]}:${String(month + 1).padStart(2, '0')}:${parts[2]!.padStart(2, '0')} ${parts[3]}`,
    );
  }
  const casio = /(\d{4})\/\s*(\d+)\/\s*(\d+)\/?\s+(\d+):\s*(\d+)\s*(P?)/.exec(v);
  if (casio) {
    const hour = Number(casio[4]) + (casio[6] ? 12 : 0);
    return fromExif(
      `${casio[1]}:${pad(casio[2]!)}:${pad(casio[3]!)} ${pad(String(hour))}:${pad(casio[5]!)}:00`,
    );
  }
  const dashed = /(\d{4})[-/](\d+)[-/](\d+)\s+(\d+:\d+:\d+)/.exec(v);
  if (dashed) return fromExif(`${dashed[1]}:${pad(dashed[2]!)}:${pad(dashed[3]!)} ${dashed[4]}`);
  return fromExif(v);
}

const pad = (s: string) => s.padStart(2, '0');
