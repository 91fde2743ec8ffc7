import { systemClock } from '../../clock.js';
import type { Destination } from '../destination.js';
import type { LocalDestination } from '../local/local.js';
import { runConformanceSuite, type ConformanceHarness } from '../testing/conformance.js';
import { localHarness } from '../testing/local-harness.js';
import { BandwidthLimiter, DestinationMetrics, wrapDestination } from './index.js';

/**
 * The local harness with every destination it makes passed through the full wrapper stack; the
 * "unplug" step still gets the LocalDestination inside, which is the one that owns the folder.
 */
function wrappedLocalHarness(): ConformanceHarness {
  const base = localHarness();
  const inside = new WeakMap<Destination, Destination>();
  const bandwidth = new BandwidthLimiter(systemClock, 400 * 1024 * 1024);
  const wrap = (local: Destination): Destination => {
    const wrapped = wrapDestination(local, {
      clock: systemClock,
      concurrency: 8,
      bandwidth,
      metrics: new DestinationMetrics(systemClock),
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    });
    inside.set(wrapped, local);
    return wrapped;
  };
  return {
    setup: () => base.setup!(),
    teardown: () => base.teardown!(),
    create: async () => wrap(await base.create()),
    createMissingContainer: async () => wrap(await base.createMissingContainer()),
    makeUnavailable: (dest) => {
      const local = inside.get(dest) as LocalDestination | undefined;
      if (!local) throw new Error('makeUnavailable got a destination this harness did not make');
      return base.makeUnavailable(local);
    },
    ...(base.largeObjectSize === undefined ? {} : { largeObjectSize: base.largeObjectSize }),
  };
}

runConformanceSuite('local folder, wrapped', wrappedLocalHarness());
