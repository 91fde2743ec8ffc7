import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bodyOf, readAll } from '../testing/conformance.js';
import { FaultyDestination } from '../testing/faulty.js';
import { withMetrics } from './metered.js';
import { DestinationMetrics } from './metrics.js';
import { SteppingClock } from './testing/stepping-clock.js';
import { tempLocals } from './testing/temp-local.js';

const locals = tempLocals();

async function setup() {
  const clock = new SteppingClock();
  const local = await locals.make();
  const faulty = new FaultyDestination(local, { clock });
  const metrics = new DestinationMetrics(clock);
  return { clock, local, faulty, metrics, dest: withMetrics(faulty, metrics) };
}

describe('withMetrics', () => {
  it('counts calls and bytes put and got', async () => {
    const { dest, metrics } = await setup();
    await dest.put('m/a', bodyOf('0123456789'), { size: 10 });
    await dest.put('m/b', bodyOf('abc'), { size: 3 });
    expect((await readAll(await dest.get('m/a'))).toString()).toBe('0123456789');
    expect((await readAll(await dest.get('m/a', { offset: 2, length: 3 }))).toString()).toBe('234');
    await dest.stat('m/b');
    await dest.digest('m/b');
    await dest.promote('m/b', 'm/c');
    await dest.remove('m/c');
    await dest.check();
    await dest.requestRehydration('m/a', { speed: 'bulk', days: 1 });
    const keys: string[] = [];
    for await (const o of dest.list('m/')) keys.push(o.key);
    expect(keys).toEqual(['m/a']);

    const s = metrics.snapshot();
    expect(s.bytesPut).toBe(13);
    expect(s.bytesGot).toBe(13);
    expect(Object.fromEntries(Object.entries(s.calls).map(([m, c]) => [m, [c.calls, c.failures]]))).toEqual({
      put: [2, 0],
      get: [2, 0],
      stat: [1, 0],
      digest: [1, 0],
      list: [1, 0],
      promote: [1, 0],
      remove: [1, 0],
      check: [1, 0],
      requestRehydration: [1, 0],
      setStorageClass: [0, 0],
    });
    expect(s.errorsByKind).toEqual({});
    expect(s.lastFailure).toBeUndefined();
    expect(s.lastSuccessMs).toBe(metrics.clock.now());
  });

  it('times calls by the clock', async () => {
    const { clock, local, faulty, dest, metrics } = await setup();
    await local.put('t/x', bodyOf('x'), { size: 1 });
    faulty.inject({ method: 'stat', nth: 1, fault: { type: 'delay', ms: 120 } });
    faulty.inject({ method: 'stat', nth: 2, fault: { type: 'delay', ms: 30 } });
    faulty.inject({ method: 'list', fault: { type: 'delay', ms: 75 } });
    await clock.run(dest.stat('t/x'));
    await clock.run(dest.stat('t/x'));
    await clock.run(
      (async () => {
        for await (const o of dest.list('t/')) expect(o.key).toBe('t/x');
      })(),
    );
    expect(metrics.calls.stat).toEqual({ calls: 2, failures: 0, totalMs: 150, maxMs: 120, lastMs: 30 });
    expect(metrics.calls.list.totalMs).toBe(75);
  });

  it('counts failures by kind and remembers the last one', async () => {
    const { clock, faulty, dest, metrics } = await setup();
    faulty.inject({ method: 'remove', times: 2, fault: { type: 'fail', kind: 'transient' } });
    faulty.inject({ method: 'list', fault: { type: 'fail', kind: 'unavailable' } });
    await expect(dest.remove('e/x')).rejects.toMatchObject({ kind: 'transient' });
    await expect(dest.remove('e/x')).rejects.toMatchObject({ kind: 'transient' });
    await dest.remove('e/x');
    clock.advance(5000);
    await expect(dest.stat('e/missing')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(
      (async () => {
        for await (const _ of dest.list('e/')) void _;
      })(),
    ).rejects.toMatchObject({ kind: 'unavailable' });

    expect(metrics.errorsByKind).toEqual({ transient: 2, 'not-found': 1, unavailable: 1 });
    expect(metrics.calls.remove).toMatchObject({ calls: 3, failures: 2 });
    expect(metrics.calls.stat).toMatchObject({ calls: 1, failures: 1 });
    expect(metrics.calls.list).toMatchObject({ calls: 1, failures: 1 });
    expect(metrics.lastFailure).toMatchObject({ method: 'list', kind: 'unavailable', atMs: clock.now() });
    expect(metrics.lastFailure?.message).toMatch(/^test-local: /);
  });

  it('counts a get stream that breaks while read, and only the bytes that came', async () => {
    const { local, faulty, dest, metrics } = await setup();
    await local.put('s/x', bodyOf('0123456789'), { size: 10 });
    faulty.inject({ method: 'get', fault: { type: 'cut-stream', after: 4, kind: 'transient' } });
    await expect(readAll(await dest.get('s/x'))).rejects.toMatchObject({ kind: 'transient' });
    expect(metrics.bytesGot).toBe(4);
    expect(metrics.calls.get).toMatchObject({ calls: 1, failures: 1 });
    expect(metrics.errorsByKind).toEqual({ transient: 1 });
  });

  it('counts the bytes a failed put sent, and its source error, keeping the key empty', async () => {
    const { local, dest, metrics } = await setup();
    let sent = false;
    const body = new Readable({
      read() {
        if (sent) this.destroy(new Error('card reader unplugged'));
        else this.push(Buffer.alloc(700));
        sent = true;
      },
    });
    await expect(dest.put('f/x', body, { size: 2000 })).rejects.toBeInstanceOf(Error);
    expect(metrics.bytesPut).toBe(700);
    expect(metrics.calls.put).toMatchObject({ calls: 1, failures: 1 });
    await expect(local.stat('f/x')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('hands out snapshots that later calls do not change', async () => {
    const { dest, metrics } = await setup();
    await dest.check();
    const before = metrics.snapshot();
    await dest.check();
    expect(before.calls.check.calls).toBe(1);
    expect(metrics.snapshot().calls.check.calls).toBe(2);
  });
});
