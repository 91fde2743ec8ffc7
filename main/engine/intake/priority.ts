const DAY = 86_400_000;

/**
 * Upload priority of a wedding's files: this week's weddings (7 days ahead to 3 days back) first,
 * then the more recent the sooner; unknown dates in between. Higher runs first.
 */
export function uploadPriority(weddingDate: string | null, now: number): number {
  if (!weddingDate) return 10;
  const day = Date.parse(`${weddingDate}T12:00:00Z`);
  if (Number.isNaN(day)) return 10;
  const ageDays = (now - day) / DAY;
  if (ageDays >= -7 && ageDays <= 3) return 100;
  if (ageDays < -7) return 20;
  return Math.max(0, 50 - Math.floor(ageDays / 7));
}
