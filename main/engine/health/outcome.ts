import { errorKind, type DestinationErrorKind } from '../destinations/errors.js';
import type { DestinationMethod } from '../destinations/wrap/methods.js';
import type { CallOutcome } from '../destinations/wrap/observed.js';

/** One finished call on a destination, as the health monitor learns of it (see withObserver). */
export type { CallOutcome };

/** Where outcomes go: the HealthMonitor, or anything else that wants them. */
export interface OutcomeSink {
  record(destination: string, outcome: CallOutcome): void;
}

/**
 * What an outcome says about the destination as a whole:
 * - `ok`: it answered (also `not-found` and `needs-rehydration`: the server is fine, the key is not);
 * - `outage`: not reachable or failing (`unavailable`, `transient`, unclassified errors);
 * - `blocking`: nothing will work until the user acts (`auth`, `missing-container`, `permission`,
 *   `full`, and `permanent` from `check`, which means a wrong setting);
 * - `error`: this call failed in a way that may be about the object (`integrity`, other `permanent`);
 * - `throttled`: it answered, asking us to slow down.
 */
export type OutcomeCategory = 'ok' | 'outage' | 'blocking' | 'error' | 'throttled';

/** The category of an outcome (see OutcomeCategory). */
export function categorize(o: CallOutcome): OutcomeCategory {
  if (o.error === undefined) return 'ok';
  return categoryOfKind(errorKind(o.error), o.method);
}

/** The category of a failure of `kind` in a call of `method`. */
export function categoryOfKind(kind: DestinationErrorKind, method: DestinationMethod): OutcomeCategory {
  switch (kind) {
    case 'not-found':
    case 'needs-rehydration':
      return 'ok';
    case 'unavailable':
    case 'transient':
      return 'outage';
    case 'auth':
    case 'missing-container':
    case 'permission':
    case 'full':
      return 'blocking';
    case 'permanent':
      return method === 'check' ? 'blocking' : 'error';
    case 'integrity':
      return 'error';
    case 'throttled':
      return 'throttled';
  }
}

/** Calls that succeed or fail together: a success of one proves the others' path works too. */
export type MethodGroup = 'write' | 'read' | 'check';

/** The group of a method: writes (put, promote, remove), reads, or the reachability check. */
export function groupOf(method: DestinationMethod): MethodGroup {
  if (method === 'put' || method === 'promote' || method === 'remove') return 'write';
  if (method === 'check') return 'check';
  return 'read';
}
