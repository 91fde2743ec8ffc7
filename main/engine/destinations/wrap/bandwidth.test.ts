import { describe, expect, it } from 'vitest';
import { BandwidthLimiter } from './bandwidth.js';
import { SteppingClock } from './testing/stepping-clock.js';

/** Lets pending promise callbacks run without moving the clock. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('BandwidthLimiter', () => {
  it('lets a burst through at once, then paces at the rate, exactly', async () => {
    const clock = new SteppingClock();
    const limiter = new BandwidthLimiter(clock, 1000, { burstBytes: 1000 });
    const start = clock.now();
    await clock.run(limiter.take(1000));
    expect(clock.now()).toBe(start);
    await clock.run(limiter.take(5000));
    expect(clock.now() - start).toBe(5000);
    expect(clock.sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('refills while idle, up to the burst only', async () => {
    const clock = new SteppingClock();
    const limiter = new BandwidthLimiter(clock, 1000, { burstBytes: 2000 });
    await clock.run(limiter.take(2000));
    clock.advance(60_000);
    const start = clock.now();
    await clock.run(limiter.take(3000));
    expect(clock.now() - start).toBe(1000);
  });

  it('serves takers in arrival order and shares the rate between them', async () => {
    const clock = new SteppingClock();
    const limiter = new BandwidthLimiter(clock, 1000, { burstBytes: 1000 });
    const start = clock.now();
    const done: Record<string, number> = {};
    const a = limiter.take(3000).then(() => (done.a = clock.now() - start));
    const b = limiter.take(3000).then(() => (done.b = clock.now() - start));
    await clock.run(Promise.all([a, b]));
    expect(done).toEqual({ a: 2000, b: 5000 });
  });

  it('applies a new rate to uploads already waiting', async () => {
    const clock = new SteppingClock();
    const limiter = new BandwidthLimiter(clock, 1000, { burstBytes: 1000 });
    const start = clock.now();
    const taking = limiter.take(3000);
    await settle();
    expect(clock.sleeping).toBe(1);
    clock.advance(500); // half of the second piece earned at 1000 B/s
    limiter.setRate(2000);
    expect(limiter.bytesPerSecond).toBe(2000);
    await clock.run(taking);
    // the other 500 bytes at 2000 B/s (250 ms), then a full piece (500 ms)
    expect(clock.now() - start).toBe(1250);
  });

  it('releases waiting uploads at once when the limit is lifted', async () => {
    const clock = new SteppingClock();
    const limiter = new BandwidthLimiter(clock, 10, { burstBytes: 10 });
    const taking = limiter.take(1_000_000);
    await settle();
    expect(clock.sleeping).toBe(1);
    const before = clock.now();
    limiter.setRate(null);
    await taking;
    expect(clock.now()).toBe(before);
    expect(clock.sleeping).toBe(0);
    expect(limiter.bytesPerSecond).toBeNull();
  });

  it('drops an aborted taker without holding up the next', async () => {
    const clock = new SteppingClock();
    const limiter = new BandwidthLimiter(clock, 1000, { burstBytes: 1000 });
    const stop = new AbortController();
    await limiter.take(1000);
    const start = clock.now();
    const aborted = limiter.take(50_000, stop.signal).catch((e: unknown) => e);
    const next = limiter.take(1000);
    await settle();
    stop.abort(new Error('upload cancelled'));
    expect(((await aborted) as Error).message).toBe('upload cancelled');
    await clock.run(next);
    expect(clock.now() - start).toBe(1000);
  });

  it('defaults the burst to 100 ms of the rate, at least 64 KiB', () => {
    const clock = new SteppingClock();
    expect(new BandwidthLimiter(clock, 10_000_000).burst).toBe(1_000_000);
    expect(new BandwidthLimiter(clock, 1000).burst).toBe(64 * 1024);
  });

  it('refuses a rate that is not a positive number', () => {
    const clock = new SteppingClock();
    expect(() => new BandwidthLimiter(clock, 0)).toThrow(RangeError);
    expect(() => new BandwidthLimiter(clock, 100).setRate(-5)).toThrow(RangeError);
    expect(() => new BandwidthLimiter(clock, Number.NaN)).toThrow(RangeError);
  });
});
