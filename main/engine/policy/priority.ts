import type { PolicyName } from '../../../shared/model/policy.js';

/**
 * Scheduler priorities of upload jobs by policy (higher runs first). Critical work is far above
 * everything else in the queue (other jobs use -100..100), archive work below repairs (5).
 */
export const PRIORITY = {
  critical: 1000,
  /** A standard wedding that took place recently; one less per week since, down to `standardOld`. */
  standardRecent: 50,
  standardOld: 11,
  /** A standard wedding more than the critical window ahead. */
  standardUpcoming: 20,
  /** A standard wedding whose date is unknown. */
  standardUndated: 10,
  archive: 1,
} as const;

/** The priority of a wedding's uploads under `policy`; `daysUntil` is null when the date is unknown. */
export function priorityOf(policy: PolicyName, daysUntil: number | null): number {
  if (policy === 'critical') return PRIORITY.critical;
  if (policy === 'archive') return PRIORITY.archive;
  if (daysUntil === null) return PRIORITY.standardUndated;
  if (daysUntil > 0) return PRIORITY.standardUpcoming;
  return Math.max(PRIORITY.standardOld, PRIORITY.standardRecent - Math.floor(-daysUntil / 7));
}
