import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bodyOf, readAll } from '../testing/conformance.js';
import { FaultyDestination } from '../testing/faulty.js';
import { BandwidthLimiter, DestinationMetrics, putWithRetry, wrapDestination } from './index.js';
import { SteppingClock } from './testing/stepping-clock.js';
import { tempLocals } from './testing/temp-local.js';

const locals = tempLocals();
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function setup(concurrency = 2, bandwidth?: BandwidthLimiter, clock = new SteppingClock()) {
  const local = await locals.make();
  const faulty = new FaultyDestination(local, { clock });
  const metrics = new DestinationMetrics(clock);
  const dest = wrapDestination(faulty, {
    clock,
    concurrency,
    metrics,
    ...(bandwidth ? { bandwidth } : {}),
    retry: { random: () => 0.5 },
  });
  return { clock, local, faulty, metrics, dest };
}

describe('wrapDestination', () => {
  it('records every attempt, including the failures retry hides', async () => {
    const { clock, local, faulty, metrics, dest } = await setup();
    await local.put('a/x', bodyOf('x'), { size: 1 });
    faulty.inject({ method: 'stat', times: 2, fault: { type: 'fail', kind: 'transient' } });
    expect((await clock.run(dest.stat('a/x'))).size).toBe(1);
    expect(metrics.calls.stat).toMatchObject({ calls: 3, failures: 2 });
    expect(metrics.errorsByKind).toEqual({ transient: 2 });
  });

  it('holds no slot during a backoff wait, so other calls go ahead', async () => {
    const { clock, local, faulty, dest } = await setup(1);
    await local.put('a/x', bodyOf('x'), { size: 1 });
    await local.put('a/y', bodyOf('yy'), { size: 2 });
    faulty.inject({
      method: 'stat',
      key: (k) => k === 'a/x',
      nth: 1,
      fault: { type: 'fail', kind: 'unavailable' },
    });
    const slow = dest.stat('a/x');
    await settle();
    expect(clock.sleeping).toBe(1);
    const before = clock.now();
    expect((await dest.stat('a/y')).size).toBe(2);
    expect(clock.now()).toBe(before);
    expect((await clock.run(slow)).size).toBe(1);
  });

  it('retries a re-openable put through throttle and metrics, pacing every attempt', async () => {
    const clock = new SteppingClock();
    const limiter = new BandwidthLimiter(clock, 1000, { burstBytes: 1000 });
    const { local, faulty, metrics, dest } = await setup(2, limiter, clock);
    const data = randomBytes(3000);
    faulty.inject({ method: 'put', nth: 1, fault: { type: 'cut-body', afterBytes: 1500 } });
    const start = clock.now();
    await clock.run(putWithRetry(dest, 'p/x', () => Readable.from([data]), { size: data.length }));
    expect(await readAll(await local.get('p/x'))).toEqual(data);
    expect(metrics.calls.put).toMatchObject({ calls: 2, failures: 1 });
    // The first attempt read 2000 bytes (two 1000-byte pieces) before the cut; the second sent all 3000.
    expect(metrics.bytesPut).toBe(5000);
    // 5000 bytes at 1000 B/s: 1000 came from the initial burst and 250 were earned during the
    // 250 ms backoff, so the clock moved 3750 ms for pacing plus the 250 ms of backoff.
    expect(clock.now() - start).toBe(4000);
    expect(clock.sleeps).toContain(250);
  });

  it('works without metrics or bandwidth', async () => {
    const clock = new SteppingClock();
    const local = await locals.make();
    const dest = wrapDestination(local, { clock, concurrency: 1 });
    await dest.put('n/x', bodyOf('plain'), { size: 5 });
    expect((await readAll(await dest.get('n/x'))).toString()).toBe('plain');
    expect(dest.name).toBe(local.name);
  });
});
