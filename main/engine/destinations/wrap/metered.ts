import type { Destination } from '../destination.js';
import type { DestinationMetrics } from './metrics.js';
import { withObserver, type ObservedDestination } from './observed.js';

/**
 * Wraps `dest` so its calls, bytes, latencies and failures are counted into `sink`; changes nothing
 * else. A `get` stream that breaks while read counts as a failure of its call, not as another call.
 */
export function withMetrics(dest: Destination, sink: DestinationMetrics): ObservedDestination {
  return withObserver(dest, {
    clock: sink.clock,
    onOutcome: (o, phase) =>
      phase === 'call'
        ? sink.recordCall(o.method, o.latencyMs, o.error)
        : sink.recordFailure(o.method, o.error),
    onBytes: (method, bytes) => {
      if (method === 'put') sink.bytesPut += bytes;
      else sink.bytesGot += bytes;
    },
  });
}
