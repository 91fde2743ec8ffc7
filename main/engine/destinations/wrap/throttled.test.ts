import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bodyOf, readAll } from '../testing/conformance.js';
import { FaultyDestination } from '../testing/faulty.js';
import { BandwidthLimiter } from './bandwidth.js';
import { SteppingClock } from './testing/stepping-clock.js';
import { tempLocals } from './testing/temp-local.js';
import { withThrottle } from './throttled.js';

const locals = tempLocals();
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('withThrottle', () => {
  it('never runs more calls at once than its concurrency', async () => {
    const clock = new SteppingClock();
    const local = await locals.make();
    await local.put('c/x', bodyOf('x'), { size: 1 });
    const faulty = new FaultyDestination(local, { clock });
    faulty.inject({ method: 'stat', fault: { type: 'delay', ms: 100 } });
    const dest = withThrottle(faulty, { concurrency: 2 });
    const start = clock.now();
    const all = Promise.all(Array.from({ length: 6 }, () => dest.stat('c/x')));
    await settle();
    expect(faulty.active).toBe(2);
    const infos = await clock.run(all);
    expect(infos.map((i) => i.size)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(faulty.maxActive).toBe(2);
    expect(faulty.calls('stat')).toBe(6);
    expect(clock.now() - start).toBeGreaterThanOrEqual(300);
  });

  it('holds a slot until a get stream is read to the end', async () => {
    const local = await locals.make();
    await local.put('g/a', bodyOf('aaaa'), { size: 4 });
    await local.put('g/b', bodyOf('bbbb'), { size: 4 });
    const faulty = new FaultyDestination(local);
    const dest = withThrottle(faulty, { concurrency: 1 });
    const a = await dest.get('g/a');
    const b = dest.get('g/b');
    await settle();
    expect(faulty.calls('get')).toBe(1);
    expect((await readAll(a)).toString()).toBe('aaaa');
    expect((await readAll(await b)).toString()).toBe('bbbb');
    expect(faulty.calls('get')).toBe(2);

    // A stream given up on (destroyed) frees its slot too.
    const c = await dest.get('g/a');
    c.destroy();
    expect((await readAll(await dest.get('g/b'))).toString()).toBe('bbbb');
  });

  it('frees the slot between listed objects, so per-object calls do not deadlock', async () => {
    const local = await locals.make();
    for (const k of ['l/a', 'l/b', 'l/c']) await local.put(k, bodyOf(k), { size: k.length });
    const dest = withThrottle(local, { concurrency: 1 });
    const sizes: number[] = [];
    for await (const o of dest.list('l/')) sizes.push((await dest.stat(o.key)).size);
    expect(sizes).toEqual([3, 3, 3]);
  });

  it('paces a put to the bandwidth, exactly', async () => {
    const clock = new SteppingClock();
    const local = await locals.make();
    const limiter = new BandwidthLimiter(clock, 4000, { burstBytes: 1000 });
    const dest = withThrottle(local, { concurrency: 4, bandwidth: limiter });
    const data = randomBytes(10_000);
    const start = clock.now();
    await clock.run(dest.put('bw/one', Readable.from([data]), { size: data.length }));
    // The first 1000 bytes are the burst; the other 9000 take 9000 / 4000 s.
    expect(clock.now() - start).toBe(2250);
    expect(await readAll(await local.get('bw/one'))).toEqual(data);
  });

  it('shares one limiter between destinations as a global limit', async () => {
    const clock = new SteppingClock();
    const limiter = new BandwidthLimiter(clock, 1000, { burstBytes: 1000 });
    const one = withThrottle(await locals.make('one'), { concurrency: 2, bandwidth: limiter });
    const two = withThrottle(await locals.make('two'), { concurrency: 2, bandwidth: limiter });
    const data = randomBytes(5000);
    const start = clock.now();
    await clock.run(
      Promise.all([
        one.put('g/x', Readable.from([data]), { size: data.length }),
        two.put('g/x', Readable.from([data]), { size: data.length }),
      ]),
    );
    expect(clock.now() - start).toBe(9000);
    expect(await readAll(await one.get('g/x'))).toEqual(data);
    expect(await readAll(await two.get('g/x'))).toEqual(data);
  });

  it('rejects a put aborted while waiting for a slot, and destroys its body', async () => {
    const clock = new SteppingClock();
    const local = await locals.make();
    const faulty = new FaultyDestination(local, { clock });
    faulty.inject({ method: 'put', nth: 1, fault: { type: 'delay', ms: 1000 } });
    const dest = withThrottle(faulty, { concurrency: 1 });
    const first = dest.put('a/first', bodyOf('1'), { size: 1 });
    const stop = new AbortController();
    const body = bodyOf('2');
    const second = dest.put('a/second', body, { size: 1, signal: stop.signal }).catch((e: unknown) => e);
    await settle();
    stop.abort(new Error('cancelled'));
    expect(((await second) as Error).message).toBe('cancelled');
    expect(body.destroyed).toBe(true);
    await clock.run(first);
    expect(faulty.calls('put')).toBe(1);
    await dest.put('a/third', bodyOf('3'), { size: 1 });
    expect(faulty.calls('put')).toBe(2);
  });
});
