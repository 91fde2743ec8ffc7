/**
 * Turns the date formats found in photo and video metadata into one capture-time string,
 * `YYYY-MM-DDTHH:mm:ss` plus `+HH:MM` only when the file records the offset. Values are never
 * converted between time zones: the wall-clock time the camera recorded is what places a photo.
 */

/** `YYYY-MM-DDTHH:mm:ss`, validated, or null for impossible or placeholder values. */
function format(y: string, mo: string, d: string, h: string, mi: string, s: string): string | null {
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days || hour > 23 || minute > 59 || second > 59) return null;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}`;
}

/** `+HH:MM` from `+02:00`, `-0500`, `Z` (as `+00:00`); null for blanks or nonsense. */
export function formatOffset(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (v === 'Z') return '+00:00';
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(v);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) return null;
  return `${m[1]}${m[2]}:${m[3]}`;
}

/**
 * An EXIF date (`2026:06:14 15:03:54`, the standard form; `-` separators and a `T` are accepted)
 * with its EXIF 2.31 offset tag (`OffsetTimeOriginal` and friends) if any. Sub-seconds are dropped;
 * blank and zero dates (`0000:00:00 00:00:00`, cameras whose clock was never set) give null.
 */
export function fromExif(value: unknown, offset?: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.replace(/\0/g, '').trim());
  if (!m) return null;
  const time = format(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!);
  if (time === null) return null;
  return time + (formatOffset(offset) ?? '');
}

/**
 * An XMP (ISO 8601) date: `2026-06-14T15:03:54+02:00`, `2026-06-14T15:03:54.12Z`,
 * `2026-06-14T15:03` (seconds 00). A date without a time of day gives null: it cannot place a
 * photo around midnight.
 */
export function fromXmp(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    value.trim(),
  );
  if (!m) return null;
  const time = format(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6] ?? '00');
  if (time === null) return null;
  return time + (m[7] === undefined ? '' : (formatOffset(m[7]) ?? ''));
}

/** IPTC `DateCreated` (`20261029`) and `TimeCreated` (`062751-0500`, or `06:27:51-05:00`). */
export function fromIptc(date: unknown, time: unknown): string | null {
  if (typeof date !== 'string' || typeof time !== 'string') return null;
  const d = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(date.trim());
  const t = /^(\d{2}):?(\d{2}):?(\d{2})([+-]\d{2}:?\d{2})?$/.exec(time.trim());
  if (!d || !t) return null;
  const formatted = format(d[1]!, d[2]!, d[3]!, t[1]!, t[2]!, t[3]!);
  if (formatted === null) return null;
  return formatted + (formatOffset(t[4]) ?? '');
}

/** QuickTime seconds since 1904-01-01, as recorded (no zone: cameras write local time or UTC). */
export function fromQuickTimeSeconds(seconds: number): string | null {
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  const ms = (seconds - 2_082_844_800) * 1000;
  const iso = new Date(ms).toISOString(); // UTC fields, i.e. the value exactly as stored
  return fromXmp(iso.slice(0, 19));
}

/**
 * `time`, with the offset of `other` added when `time` has none and `other` records the same
 * wall-clock time with one (a DNG's EXIF date and its XMP copy written with the zone).
 */
export function withOffsetFrom(time: string | null, other: string | null): string | null {
  if (time === null || time.length !== 19 || other === null || other.length <= 19) return time;
  return other.startsWith(time) ? other : time;
}
