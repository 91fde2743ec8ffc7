/** Sizes, dates, durations and counts as a person reads them. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** `1.2 GB`; decimal units as file managers and providers' bills use them. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  let i = 0;
  let v = n;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${UNITS[i]}`;
}

/** `1,234` in the reader's locale. */
export function formatCount(n: number): string {
  return new Intl.NumberFormat().format(n);
}

/** `3 files`, `1 file`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A wedding day (`2026-06-14`) as `Sun 14 Jun 2026`, read as a calendar day, whatever the time zone. */
export function formatDay(date: string | null): string {
  if (!date) return 'Date unknown';
  const d = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(d);
}

/** A moment (ISO string or ms) as `14 Jun 2026, 15:22`. */
export function formatTime(t: string | number | null | undefined): string {
  if (t === null || t === undefined) return '—';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** A snapshot id (`2026-06-15T10-22-31.123Z`) as the moment it names, to the second. */
export function snapshotMoment(id: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})(\.\d+)?Z(?:_[a-z0-9-]+)?$/.exec(id);
  if (!m) return id;
  const d = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}${m[5] ?? ''}Z`);
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(d);
}

/** `about 3 minutes`, `2 h 10 min`, `less than a minute`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return 'less than a minute';
  const min = Math.round(seconds / 60);
  if (min < 60) return `about ${plural(min, 'minute')}`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  if (h < 48) return rest ? `${h} h ${rest} min` : `${h} h`;
  return `about ${plural(Math.round(h / 24), 'day')}`;
}

/** A measured time, precise for short ones: `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 10 min`. */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${Math.round(s - min * 60)} s`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** A share as a whole percentage, never 100 % before it is complete. */
export function percent(part: number, whole: number): number {
  if (whole <= 0) return 100;
  const p = (part / whole) * 100;
  return part < whole ? Math.min(99, Math.floor(p)) : 100;
}

/** Micro-dollars as `$12.34` (cents only when shown to a person). */
export function formatMoney(micros: number): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(micros / 1_000_000);
}
