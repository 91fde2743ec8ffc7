import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { DestinationError } from '../destinations/errors.js';
import { bodyOf, readAll } from '../destinations/testing/conformance.js';
import { FaultyDestination } from '../destinations/testing/faulty.js';
import type { CallOutcome } from './outcome.js';
import { makeDrive } from './testing/drive.js';
import { withHealth } from './with-health.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const clock = new ManualClock();
  const drive = await makeDrive('nas');
  cleanups.push(drive.cleanup);
  const faulty = new FaultyDestination(drive.dest, { clock });
  const seen: { destination: string; outcome: CallOutcome }[] = [];
  const dest = withHealth(
    faulty,
    { record: (destination, outcome) => seen.push({ destination, outcome }) },
    clock,
  );
  const kinds = () =>
    seen.map(
      ({ outcome: o }) =>
        `${o.method}:${o.error instanceof DestinationError ? o.error.kind : o.error === undefined ? 'ok' : 'other'}`,
    );
  return { clock, drive, faulty, dest, seen, kinds };
}

describe('withHealth', () => {
  it('reports every call with its start, latency and outcome, and passes results through', async () => {
    const { clock, faulty, dest, seen, kinds } = await setup();
    faulty.inject({ method: 'stat', nth: 1, fault: { type: 'delay', ms: 1500 } });
    await dest.put('a/x', bodyOf('hello'), { size: 5 });
    const t = clock.now();
    const stat = dest.stat('a/x');
    await new Promise((r) => setImmediate(r));
    clock.advance(1500);
    expect((await stat).size).toBe(5);
    expect(await readAll(await dest.get('a/x'))).toEqual(Buffer.from('hello'));
    expect(await dest.digest('a/x')).toHaveProperty('sha256');
    const listed: string[] = [];
    for await (const o of dest.list('a/')) listed.push(o.key);
    expect(listed).toEqual(['a/x']);
    await dest.promote('a/x', 'a/y');
    await dest.remove('a/y');
    await dest.check();
    await dest.requestRehydration('a/y', { speed: 'bulk', days: 1 });
    await expect(dest.stat('a/missing')).rejects.toMatchObject({ kind: 'not-found' });
    expect(kinds()).toEqual([
      'put:ok',
      'stat:ok',
      'get:ok',
      'digest:ok',
      'list:ok',
      'promote:ok',
      'remove:ok',
      'check:ok',
      'requestRehydration:ok',
      'stat:not-found',
    ]);
    expect(seen[1]).toEqual({
      destination: 'nas',
      outcome: { method: 'stat', startedAt: t, latencyMs: 1500 },
    });
    expect(dest.name).toBe('nas');
  });

  it('reports failures with their error, also a get stream that breaks and a listing that fails', async () => {
    const { drive, faulty, dest, kinds, seen } = await setup();
    await drive.dest.put('l/a', bodyOf('aaaa'), { size: 4 });
    await drive.dest.put('l/b', bodyOf('bbbb'), { size: 4 });
    faulty.inject({ method: 'get', nth: 1, fault: { type: 'cut-stream', after: 2, kind: 'transient' } });
    faulty.inject({ method: 'list', nth: 1, fault: { type: 'cut-stream', after: 1, kind: 'unavailable' } });
    faulty.inject({ method: 'put', nth: 1, fault: { type: 'fail', kind: 'auth' } });
    await expect(readAll(await dest.get('l/a'))).rejects.toMatchObject({ kind: 'transient' });
    await expect(
      (async () => {
        for await (const _ of dest.list('l/')) void _;
      })(),
    ).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(dest.put('p/x', Readable.from([Buffer.from('x')]), { size: 1 })).rejects.toMatchObject({
      kind: 'auth',
    });
    await drive.unplug();
    await expect(dest.check()).rejects.toMatchObject({ kind: 'unavailable' });
    expect(kinds()).toEqual(['get:ok', 'get:transient', 'list:unavailable', 'put:auth', 'check:unavailable']);
    expect(seen.every((s) => s.destination === 'nas')).toBe(true);
  });

  it('reports a listing the caller stops early as a success', async () => {
    const { drive, dest, kinds } = await setup();
    for (const k of ['s/1', 's/2', 's/3']) await drive.dest.put(k, bodyOf(k), { size: 3 });
    for await (const _ of dest.list('s/')) {
      void _;
      break;
    }
    expect(kinds()).toEqual(['list:ok']);
  });
});
