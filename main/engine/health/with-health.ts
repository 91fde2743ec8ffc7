import type { Clock } from '../clock.js';
import type { Destination } from '../destinations/destination.js';
import { withObserver, type ObservedDestination } from '../destinations/wrap/observed.js';
import type { OutcomeSink } from './outcome.js';

/**
 * Wraps `dest` so the outcome of every call (method, start, latency, error) is reported to `sink` (a
 * HealthMonitor), changing nothing else; a `get` stream that breaks while read is reported as a
 * failed `get`. Put it innermost, under the retry wrapper, so the monitor sees each attempt, also the
 * failures that retry hides:
 *
 *   wrapDestination(withHealth(provider, monitor, clock), { ... })
 */
export function withHealth(dest: Destination, sink: OutcomeSink, clock: Clock): ObservedDestination {
  return withObserver(dest, { clock, onOutcome: (outcome) => sink.record(dest.name, outcome) });
}
