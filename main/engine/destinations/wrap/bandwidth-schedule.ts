import type { Config } from '../../config/schema.js';

/** What a schedule is read from: the base limit and the windows of the config's `transfer` section. */
export type TransferLimits = Pick<Config['transfer'], 'bandwidthLimit' | 'bandwidthSchedule'>;

/** One window of the schedule, as the config holds it. */
export type BandwidthWindow = NonNullable<TransferLimits['bandwidthSchedule']>[number];

/** The upload limit in force at a moment (bytes/s, null: unlimited) and the instant it next changes. */
export interface LimitInForce {
  limit: number | null;
  /** Milliseconds since the epoch when the limit changes next, or null if it never does. */
  until: number | null;
}

const minuteMs = 60_000;
const dayMs = 1440 * minuteMs;
const weekMs = 7 * dayMs;
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** The epoch, 1970-01-01 00:00, was a Thursday: 3 days after a Monday 00:00. */
const epochIntoWeekMs = 3 * dayMs;

/** A window on one day, in milliseconds of the local week from Monday 00:00 (it may wrap into Monday). */
interface Span {
  start: number;
  length: number;
  limit: number | null;
}

/**
 * The limit in force at `nowMs` and when it next changes. Local time is `nowMs` shifted by
 * `utcOffsetMinutes` (minutes the wall clock is ahead of UTC); `until` assumes that offset holds, so
 * callers ask again after a while to follow daylight-saving changes. A window's days are the days it
 * starts on: Friday 22:00 to 06:00 runs into Saturday morning. The first window that holds the moment
 * wins; outside every window `bandwidthLimit` applies.
 */
export function limitAt(transfer: TransferLimits, nowMs: number, utcOffsetMinutes: number): LimitInForce {
  const base = transfer.bandwidthLimit;
  const spans = (transfer.bandwidthSchedule ?? []).flatMap(spansOf);
  if (spans.length === 0) return { limit: base, until: null };
  const t = mod(nowMs + utcOffsetMinutes * minuteMs + epochIntoWeekMs, weekMs);
  const limit = inForce(spans, base, t);
  const ahead = new Set<number>();
  for (const s of spans) {
    for (const edge of [s.start, s.start + s.length]) {
      const d = mod(edge - t, weekMs);
      if (d > 0) ahead.add(d);
    }
  }
  for (const d of [...ahead].sort((a, b) => a - b)) {
    if (inForce(spans, base, mod(t + d, weekMs)) !== limit) return { limit, until: nowMs + d };
  }
  return { limit, until: null };
}

function spansOf(w: BandwidthWindow): Span[] {
  const from = minutes(w.from);
  // Crossing midnight wraps; from == to (refused by the config schema) would be a whole day.
  const length = (mod(minutes(w.to) - from, 1440) || 1440) * minuteMs;
  return (w.days ?? weekdays).map((day) => ({
    start: weekdays.indexOf(day) * dayMs + from * minuteMs,
    length,
    limit: w.limit,
  }));
}

function inForce(spans: Span[], base: number | null, t: number): number | null {
  for (const s of spans) if (mod(t - s.start, weekMs) < s.length) return s.limit;
  return base;
}

/** Minutes since midnight of `HH:MM` (24:00 is 1440). */
function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
