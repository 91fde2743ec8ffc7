import { PassThrough, type Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import type { ByteRange, ObjectInfo } from '../destination.js';
import { DestinationError } from '../errors.js';
import { LocalDestination } from '../local/local.js';
import { bodyOf, readAll } from '../testing/conformance.js';
import { FaultyDestination } from '../testing/faulty.js';
import { withObserver, type CallOutcome, type OutcomePhase } from './observed.js';
import { tempLocals } from './testing/temp-local.js';

const locals = tempLocals();

/** A LocalDestination that keeps the streams it returns and counts listings that were closed. */
class TrackingLocal extends LocalDestination {
  readonly returned: Readable[] = [];
  listingsClosed = 0;

  override async get(key: string, range?: ByteRange): Promise<Readable> {
    const stream = await super.get(key, range);
    this.returned.push(stream);
    return stream;
  }

  override async *list(prefix: string): AsyncIterable<ObjectInfo> {
    try {
      yield* super.list(prefix);
    } finally {
      this.listingsClosed++;
    }
  }
}

async function setup(countBytes: boolean) {
  const clock = new ManualClock();
  const local = await locals.make();
  const tracking = new TrackingLocal(local.name, local.root);
  const faulty = new FaultyDestination(tracking, { clock });
  const told: [OutcomePhase, CallOutcome][] = [];
  const bytes: [string, number][] = [];
  const dest = withObserver(faulty, {
    clock,
    onOutcome: (outcome, phase) => told.push([phase, outcome]),
    ...(countBytes ? { onBytes: (method: 'put' | 'get', n: number) => bytes.push([method, n]) } : {}),
  });
  return { clock, tracking, faulty, dest, told, bytes };
}

describe('withObserver', () => {
  it('tells a get stream that breaks later as phase "stream" of the same call, timed from its start', async () => {
    const { clock, tracking, faulty, dest, told } = await setup(false);
    await tracking.put('g/x', bodyOf('0123456789'), { size: 10 });
    faulty.inject({ method: 'get', fault: { type: 'cut-stream', after: 4, kind: 'transient' } });
    const t0 = clock.now();
    const stream = await dest.get('g/x');
    clock.advance(250);
    await expect(readAll(stream)).rejects.toMatchObject({ kind: 'transient' });
    expect(told.map(([phase, o]) => [phase, o.method, o.startedAt, o.latencyMs])).toEqual([
      ['call', 'get', t0, 0],
      ['stream', 'get', t0, 250],
    ]);
    expect(told[1]![1].error).toBeInstanceOf(DestinationError);
  });

  it("tells a put that failed because its body did as the caller's fault (an unreadable photo is not a dead destination)", async () => {
    for (const countBytes of [false, true]) {
      const { dest, told } = await setup(countBytes);
      const body = new PassThrough();
      const put = dest.put('p/x', body, { size: 10 });
      body.write('01234');
      body.destroy(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
      await expect(put).rejects.toThrow();
      await dest.put('p/y', bodyOf('0123456789'), { size: 10 });
      expect(told.map(([phase, o]) => [phase, o.method, o.error !== undefined, o.callerFault])).toEqual([
        ['call', 'put', true, true],
        ['call', 'put', false, undefined],
      ]);
    }
  });

  it('hands streams through untouched without onBytes, and counts their bytes with it', async () => {
    const plain = await setup(false);
    await plain.tracking.put('b/x', bodyOf('abcdef'), { size: 6 });
    const stream = await plain.dest.get('b/x');
    expect(plain.tracking.returned).toHaveLength(1);
    // FaultyDestination passes the provider's stream on as it is when no fault is injected.
    expect(stream).toBe(plain.tracking.returned[0]);

    const counting = await setup(true);
    await counting.dest.put('b/y', bodyOf('abcdef'), { size: 6 });
    expect((await readAll(await counting.dest.get('b/y'))).toString()).toBe('abcdef');
    expect(counting.bytes).toEqual([
      ['put', 6],
      ['get', 6],
    ]);
  });

  it('closes the provider listing a caller stops early, and tells it once, as a success', async () => {
    const { clock, tracking, dest, told } = await setup(false);
    for (const k of ['l/1', 'l/2', 'l/3']) await tracking.put(k, bodyOf(k), { size: 3 });
    const t0 = clock.now();
    for await (const _ of dest.list('l/')) {
      void _;
      // The caller's own time between results is not the provider's latency.
      clock.advance(1000);
      break;
    }
    expect(tracking.listingsClosed).toBe(1);
    expect(told).toEqual([['call', { method: 'list', startedAt: t0, latencyMs: 0 }]]);
  });
});
