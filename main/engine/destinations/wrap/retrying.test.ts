import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DestinationError, type DestinationErrorKind } from '../errors.js';
import { LocalDestination } from '../local/local.js';
import { FaultyDestination } from '../testing/faulty.js';
import { bodyOf, readAll } from '../testing/conformance.js';
import { putWithRetry, withRetry, type RetryEvent, type RetryOptions } from './retrying.js';
import { SteppingClock } from './testing/stepping-clock.js';
import { tempLocals } from './testing/temp-local.js';

const locals = tempLocals();

async function setup(opts: Partial<RetryOptions> = {}) {
  const clock = new SteppingClock();
  const local = await locals.make();
  const faulty = new FaultyDestination(local, { clock });
  const events: RetryEvent[] = [];
  const dest = withRetry(faulty, {
    clock,
    random: () => 0.5,
    onRetry: (e) => events.push(e),
    ...opts,
  });
  return { clock, local, faulty, dest, events };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as DestinationError,
  );

describe('withRetry', () => {
  it('backs off exponentially with full jitter and succeeds once the fault clears', async () => {
    const { clock, local, faulty, dest, events } = await setup();
    await local.put('a/x', bodyOf('hello'), { size: 5 });
    faulty.inject({ method: 'stat', times: 5, fault: { type: 'fail', kind: 'transient' } });
    const start = clock.now();
    const info = await clock.run(dest.stat('a/x'));
    expect(info.size).toBe(5);
    expect(faulty.calls('stat')).toBe(6);
    // random() = 0.5 of caps 500, 1000, 2000, 4000, 8000.
    expect(clock.sleeps).toEqual([250, 500, 1000, 2000, 4000]);
    expect(clock.now() - start).toBe(7750);
    expect(events.map((e) => [e.method, e.key, e.attempt, e.delayMs])).toEqual([
      ['stat', 'a/x', 1, 250],
      ['stat', 'a/x', 2, 500],
      ['stat', 'a/x', 3, 1000],
      ['stat', 'a/x', 4, 2000],
      ['stat', 'a/x', 5, 4000],
    ]);
    expect((events[0]?.error as DestinationError).kind).toBe('transient');
  });

  it('caps the backoff at maxDelayMs and draws the jitter from random()', async () => {
    let draws = 0;
    const randoms = [0, 0.25, 0.5, 0.75, 0.999];
    const { clock, faulty, dest } = await setup({
      maxDelayMs: 1500,
      random: () => randoms[draws++] ?? 0,
    });
    faulty.inject({ method: 'check', times: 5, fault: { type: 'fail', kind: 'unavailable' } });
    await clock.run(dest.check());
    // caps 500, 1000, 1500, 1500, 1500; a zero delay does not sleep at all.
    expect(clock.sleeps).toEqual([250, 750, 1125, 1499]);
    expect(faulty.calls('check')).toBe(6);
  });

  it('honours Retry-After: never sooner than asked, jitter when it is longer', async () => {
    const { clock, local, faulty, dest } = await setup();
    await local.put('a/x', bodyOf('x'), { size: 1 });
    faulty.inject({ method: 'stat', nth: 1, fault: { type: 'fail', kind: 'throttled', retryAfterMs: 7000 } });
    faulty.inject({ method: 'stat', nth: 2, fault: { type: 'fail', kind: 'throttled', retryAfterMs: 100 } });
    faulty.inject({ method: 'stat', nth: 3, fault: { type: 'fail', kind: 'throttled' } });
    const start = clock.now();
    await clock.run(dest.stat('a/x'));
    expect(clock.sleeps).toEqual([7000, 500, 1000]);
    expect(clock.now() - start).toBe(8500);
  });

  it('gives a Retry-After longer than maxDelayMs back to the caller instead of waiting in the call', async () => {
    const { clock, faulty, dest } = await setup({ maxDelayMs: 10_000 });
    faulty.inject({ method: 'remove', fault: { type: 'fail', kind: 'throttled', retryAfterMs: 60_000 } });
    const err = await clock.run(failure(dest.remove('a/x')));
    expect(err.kind).toBe('throttled');
    expect(err.retryAfterMs).toBe(60_000);
    expect(faulty.calls('remove')).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it.each<DestinationErrorKind>([
    'auth',
    'permission',
    'not-found',
    'missing-container',
    'permanent',
    'needs-rehydration',
  ])('never retries %s', async (kind) => {
    const { clock, faulty, dest, events } = await setup();
    faulty.inject({ method: 'digest', fault: { type: 'fail', kind } });
    const err = await clock.run(failure(dest.digest('a/x')));
    expect(err.kind).toBe(kind);
    expect(faulty.calls('digest')).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(events).toEqual([]);
  });

  it('does not retry a real not-found from the destination', async () => {
    const { clock, faulty, dest } = await setup();
    const err = await clock.run(failure(dest.stat('no/such')));
    expect(err.kind).toBe('not-found');
    expect(faulty.calls('stat')).toBe(1);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { clock, faulty, dest, events } = await setup({ maxAttempts: 4 });
    faulty.inject({ method: 'stat', times: 3, fault: { type: 'fail', kind: 'transient' } });
    faulty.inject({ method: 'stat', nth: 4, fault: { type: 'fail', kind: 'full', message: 'the last one' } });
    faulty.inject({
      method: 'stat',
      nth: 5,
      fault: { type: 'fail', kind: 'permanent', message: 'never reached' },
    });
    const err = await clock.run(failure(dest.stat('a/x')));
    expect(err).toBeInstanceOf(DestinationError);
    expect(err.kind).toBe('full');
    expect(err.message).toBe('test-local: the last one');
    expect(faulty.calls('stat')).toBe(4);
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(clock.sleeps).toEqual([250, 500, 1000]);
  });

  it('stops retrying as soon as giveUp says the destination is down', async () => {
    // Up after the first failure, declared down by the time of the second.
    let asked = 0;
    const { clock, faulty, dest, events } = await setup({ giveUp: () => ++asked > 1 });
    faulty.inject({ method: 'stat', times: 10, fault: { type: 'fail', kind: 'unavailable' } });
    const err = await clock.run(failure(dest.stat('a/x')));
    expect(err.kind).toBe('unavailable');
    expect(faulty.calls('stat')).toBe(2);
    expect(events.map((e) => e.attempt)).toEqual([1]);
  });

  it('treats errors that are not DestinationErrors as transient', async () => {
    const clock = new SteppingClock();
    const local = await locals.make();
    let calls = 0;
    /** A local folder whose check first fails the way an unclassified library error would. */
    class Flaky extends LocalDestination {
      override async check(): Promise<void> {
        calls += 1;
        if (calls < 3) throw new Error('socket hang up');
        return super.check();
      }
    }
    const dest = withRetry(new Flaky(local.name, local.root), { clock, random: () => 0.5, maxAttempts: 3 });
    await clock.run(dest.check());
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it('retries get until the stream is returned, not while it is read', async () => {
    const { clock, local, faulty, dest } = await setup();
    await local.put('g/x', bodyOf('0123456789'), { size: 10 });
    faulty.inject({ method: 'get', times: 2, fault: { type: 'fail', kind: 'unavailable' } });
    expect((await readAll(await clock.run(dest.get('g/x')))).toString()).toBe('0123456789');
    expect(faulty.calls('get')).toBe(3);

    faulty.heal();
    faulty.inject({ method: 'get', fault: { type: 'cut-stream', after: 4, kind: 'transient' } });
    const stream = await clock.run(dest.get('g/x'));
    const err = await failure(readAll(stream));
    expect(err.kind).toBe('transient');
    expect(faulty.calls('get')).toBe(4);
  });

  it('retries the start of a listing only', async () => {
    const { clock, local, faulty, dest } = await setup();
    for (const k of ['l/a', 'l/b', 'l/c', 'l/d']) await local.put(k, bodyOf(k), { size: k.length });
    faulty.inject({ method: 'list', nth: 1, fault: { type: 'fail', kind: 'transient' } });
    const keys: string[] = [];
    await clock.run(
      (async () => {
        for await (const o of dest.list('l/')) keys.push(o.key);
      })(),
    );
    expect(keys.sort()).toEqual(['l/a', 'l/b', 'l/c', 'l/d']);
    expect(faulty.calls('list')).toBe(2);

    faulty.heal();
    faulty.inject({ method: 'list', fault: { type: 'cut-stream', after: 2, kind: 'transient' } });
    const seen: string[] = [];
    const err = await clock.run(
      failure(
        (async () => {
          for await (const o of dest.list('l/')) seen.push(o.key);
        })(),
      ),
    );
    expect(err.kind).toBe('transient');
    expect(seen).toHaveLength(2);
    expect(faulty.calls('list')).toBe(3);
  });

  it('passes a plain put through once', async () => {
    const { clock, faulty, dest } = await setup();
    faulty.inject({ method: 'put', nth: 1, fault: { type: 'fail', kind: 'transient' } });
    const err = await clock.run(failure(dest.put('p/x', bodyOf('abc'), { size: 3 })));
    expect(err.kind).toBe('transient');
    expect(faulty.calls('put')).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries putWithRetry with a fresh body per attempt, after a cut upload and a short body', async () => {
    const { clock, local, faulty, dest, events } = await setup();
    const data = Buffer.from('the whole photo, every byte of it');
    faulty.inject({ method: 'put', nth: 1, fault: { type: 'cut-body', afterBytes: 5 } });
    faulty.inject({ method: 'put', nth: 2, fault: { type: 'cut-body', afterBytes: 9, end: true } });
    const bodies: Readable[] = [];
    const makeBody = () => {
      const b = Readable.from([data]);
      bodies.push(b);
      return b;
    };
    await clock.run(putWithRetry(dest, 'p/photo', makeBody, { size: data.length }));
    expect(bodies).toHaveLength(3);
    expect(bodies.every((b) => b.destroyed)).toBe(true);
    expect(events.map((e) => (e.error as DestinationError).kind)).toEqual(['transient', 'integrity']);
    expect(await readAll(await local.get('p/photo'))).toEqual(data);
  });

  it('does not retry when the body factory itself fails', async () => {
    const { clock, faulty, dest } = await setup();
    let opened = 0;
    const makeBody = () => {
      opened += 1;
      throw new Error('source file vanished');
    };
    const err = await clock.run(failure(putWithRetry(dest, 'p/x', makeBody, { size: 1 })));
    expect((err as unknown as Error).message).toBe('source file vanished');
    expect(opened).toBe(1);
    expect(faulty.calls('put')).toBe(0);
  });

  it('putWithRetry over a destination without retries puts once', async () => {
    const clock = new SteppingClock();
    const local = await locals.make();
    const faulty = new FaultyDestination(local, { clock });
    faulty.inject({ method: 'put', nth: 1, fault: { type: 'fail', kind: 'transient' } });
    const err = await failure(putWithRetry(faulty, 'p/x', () => bodyOf('x'), { size: 1 }));
    expect(err.kind).toBe('transient');
    expect(faulty.calls('put')).toBe(1);
  });

  it('stops retrying a put when its signal is aborted', async () => {
    const abort = new AbortController();
    const { clock, faulty, dest } = await setup({ onRetry: () => abort.abort(new Error('cancelled')) });
    faulty.inject({ method: 'put', fault: { type: 'fail', kind: 'transient' } });
    const err = await clock.run(
      failure(putWithRetry(dest, 'p/x', () => bodyOf('x'), { size: 1, signal: abort.signal })),
    );
    expect((err as unknown as Error).message).toBe('cancelled');
    expect(faulty.calls('put')).toBe(1);
  });

  it('counts a retried promote as done when its first reply was lost', async () => {
    const { clock, local, faulty, dest } = await setup();
    await local.put('staging/s', bodyOf('data'), { size: 4 });
    faulty.inject({ method: 'promote', nth: 1, fault: { type: 'fail', kind: 'transient', afterCall: true } });
    await clock.run(dest.promote('staging/s', 'objects/final'));
    expect(faulty.calls('promote')).toBe(2);
    expect((await readAll(await local.get('objects/final'))).toString()).toBe('data');

    const err = await clock.run(failure(dest.promote('staging/absent', 'objects/final')));
    expect(err.kind).toBe('not-found');
    expect(faulty.calls('promote')).toBe(3);
  });
});
