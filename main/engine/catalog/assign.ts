/**
 * Which wedding a photo belongs to, from its capture time and the weddings' dates: the photographer
 * never has to sort files by hand, and a photo that cannot be placed for sure is left unassigned.
 */

/** A wedding as the assignment needs it; weddings without a date are never assigned to. */
export interface DatedWedding<Id> {
  id: Id;
  /** `YYYY-MM-DD`, or null when the folder name has no date. */
  date: string | null;
}

/**
 * Captures before this hour still belong to the previous day's wedding: the party runs past midnight.
 * The default of the config's `capture.dayBoundaryHour`.
 */
export const NEXT_MORNING_CUTOFF_HOUR = 6;

const CAPTURE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):\d{2}:\d{2}/;

/**
 * The id of the wedding a capture belongs to, or null when none or more than one could be it.
 * `captureTime` is the camera's wall-clock time (`YYYY-MM-DDTHH:mm:ss`, any `+HH:MM` offset ignored,
 * since the day is the one where the photo was taken). It belongs to the wedding dated that day;
 * before `cutoffHour` (06:00 by default) it belongs to the previous day's wedding if there is one, else
 * to that day's. Two weddings on the deciding date leave it unassigned (null).
 */
export function assignWedding<Id>(
  captureTime: string | null,
  weddings: readonly DatedWedding<Id>[],
  cutoffHour: number = NEXT_MORNING_CUTOFF_HOUR,
): Id | null {
  if (captureTime === null) return null;
  const m = CAPTURE.exec(captureTime);
  if (!m) return null;
  const [, y, mo, d, h] = m;
  const day = `${y}-${mo}-${d}`;
  if (Number(h) < cutoffHour) {
    const previous = weddings.filter((w) => w.date === dayBefore(Number(y), Number(mo), Number(d)));
    if (previous.length > 0) return only(previous);
  }
  return only(weddings.filter((w) => w.date === day));
}

function only<Id>(candidates: readonly DatedWedding<Id>[]): Id | null {
  return candidates.length === 1 ? candidates[0]!.id : null;
}

/** `YYYY-MM-DD` of the day before the given calendar day. */
function dayBefore(year: number, month: number, day: number): string {
  const prev = new Date(Date.UTC(year, month - 1, day - 1));
  const yyyy = String(prev.getUTCFullYear()).padStart(4, '0');
  const mm = String(prev.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(prev.getUTCDate()).padStart(2, '0');
  return `${yyyy}-${mm}-${dd}`;
}
