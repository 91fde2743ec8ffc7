const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` calendar date, or null when it is not a real date. */
export function dayNumber(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March: such a date is not real.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** The photographer's calendar day at `nowMs` (days since 1970-01-01), given their offset from UTC. */
export function localDayNumber(nowMs: number, utcOffsetMinutes: number): number {
  return Math.floor((nowMs + utcOffsetMinutes * 60_000) / DAY_MS);
}

/** `today`, `tomorrow`, `in 3 days`, `yesterday`, `3 days ago` for a day difference (positive: future). */
export function relativeDays(daysUntil: number): string {
  if (daysUntil === 0) return 'today';
  if (daysUntil === 1) return 'tomorrow';
  if (daysUntil === -1) return 'yesterday';
  return daysUntil > 0 ? `in ${daysUntil} days` : `${-daysUntil} days ago`;
}
