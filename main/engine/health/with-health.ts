import type { Clock } from '../clock.js';
import type { Destination } from '../destinations/destination.js';
import { withObserver, type ObservedDestination } from '../destinations/wrap/observed.js';
import type { OutcomeSink } from './outcome.js';

/**
 * Wraps `dest` so the outcome of every call (method, start, latency, error) is reported to `sink` (a
 * HealthMonitor), changing nothing else; a `get` stream that breaks while read is reported as a
 * failed `get`. Put it innermost, under the retry wrapper, so the monitor sees each attempt, also the
 * failures that retry hides. A call that failed by the caller's fault (an unreadable photo as a put's
 * body) is not reported: it says nothing about the destination.
 *
 *   wrapDestination(withHealth(provider, monitor, clock), { ... })
 */
export function withHealth(dest: Destination, sink: OutcomeSink, clock: Clock): ObservedDestination {
  return withObserver(dest, {
    clock,
    onOutcome: (outcome) => {
      if (!outcome.callerFault) sink.record(dest.name, outcome);
    },
  });
}
