/** A wedding's temperature from what Keepsake saw happen to it: hot, cooling or cold. */
import type { WeddingAccess } from '../../../shared/model/analysis.js';
import type { AccessTimes } from '../store/analysis.js';

const DAY = 86_400_000;
/** Activity this recent (or a wedding day this close) keeps a wedding hot. */
export const HOT_DAYS = 14;
/** Quiet for longer than this, a wedding is cold. */
export const COLD_DAYS = 90;

/** hot / cooling / cold from the newest of: a file change, a restore, an opening, the wedding day. */
export function accessOf(times: AccessTimes, weddingDate: string | null, now: number): WeddingAccess {
  const day = weddingDate ? Date.parse(`${weddingDate}T12:00:00Z`) : NaN;
  const events: [string, number | null][] = [
    ['files changed', times.lastChanged],
    ['restored from', times.lastRestored],
    ['opened', times.lastOpened],
    ['wedding day', Number.isFinite(day) ? day : null],
  ];
  const known = events.filter((e): e is [string, number] => e[1] !== null);
  const newest = known.sort((a, b) => b[1] - a[1])[0];
  const base = { ...times };
  if (!newest) return { ...base, temperature: 'hot', reason: 'nothing known about it yet (treated as hot)' };
  const days = Math.max(0, Math.floor((now - newest[1]) / DAY));
  const ago = newest[1] > now ? 'is ahead' : days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`;
  const what = `${newest[0]} ${ago}`;
  if (newest[1] > now || days < HOT_DAYS) return { ...base, temperature: 'hot', reason: what };
  if (days < COLD_DAYS)
    return { ...base, temperature: 'cooling', reason: `${what} (quiet for ${HOT_DAYS} days or more)` };
  return { ...base, temperature: 'cold', reason: `${what} (quiet for ${COLD_DAYS} days or more)` };
}
