import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalDestination } from '../local/local.js';
import { DestinationError } from '../errors.js';
import { SteppingClock } from '../wrap/testing/stepping-clock.js';
import { bodyOf, readAll } from './conformance.js';
import { FaultyDestination } from './faulty.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'keepsake-faulty-'));
  dirs.push(dir);
  const clock = new SteppingClock();
  const local = new LocalDestination('faulty-local', dir);
  return { clock, local, faulty: new FaultyDestination(local, { clock }) };
}

const kindOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof DestinationError ? e.kind : `not a DestinationError: ${String(e)}`),
  );

describe('FaultyDestination', () => {
  it('passes every call through when it has no rules', async () => {
    const { faulty } = await setup();
    await faulty.check();
    await faulty.put('a/x', bodyOf('hello'), { size: 5 });
    expect((await readAll(await faulty.get('a/x'))).toString()).toBe('hello');
    expect((await faulty.stat('a/x')).size).toBe(5);
    expect((await faulty.digest('a/x')).sha256).toHaveLength(64);
    await faulty.promote('a/x', 'a/y');
    const keys: string[] = [];
    for await (const o of faulty.list('a/')) keys.push(o.key);
    expect(keys).toEqual(['a/y']);
    await faulty.remove('a/y');
    expect(faulty.name).toBe('faulty-local');
    expect(faulty.calls('put') + faulty.calls('get') + faulty.calls('list')).toBe(3);
  });

  it('fails only the nth matching call, with the given kind and Retry-After', async () => {
    const { local, faulty } = await setup();
    await local.put('a/x', bodyOf('x'), { size: 1 });
    const rule = faulty.inject({
      method: 'stat',
      nth: 2,
      fault: { type: 'fail', kind: 'throttled', retryAfterMs: 1234 },
    });
    await faulty.stat('a/x');
    const err = await faulty.stat('a/x').then(
      () => undefined,
      (e: unknown) => e as DestinationError,
    );
    expect(err).toBeInstanceOf(DestinationError);
    expect(err).toMatchObject({ kind: 'throttled', retryAfterMs: 1234, destination: 'faulty-local' });
    expect(err?.message).toMatch(/^faulty-local: /);
    await faulty.stat('a/x');
    expect(rule.seen).toBe(3);
    expect(rule.hits).toBe(1);
  });

  it('fails a number of calls, or every call, or only keys a predicate picks', async () => {
    const { local, faulty } = await setup();
    await local.put('a/x', bodyOf('x'), { size: 1 });
    await local.put('b/x', bodyOf('x'), { size: 1 });
    faulty.inject({ method: 'stat', times: 2, fault: { type: 'fail', kind: 'transient' } });
    expect([
      await kindOf(faulty.stat('a/x')),
      await kindOf(faulty.stat('a/x')),
      await kindOf(faulty.stat('a/x')),
    ]).toEqual(['transient', 'transient', 'ok']);

    faulty.heal();
    const rule = faulty.inject({
      method: 'get',
      key: (k) => k.startsWith('b/'),
      fault: { type: 'fail', kind: 'unavailable' },
    });
    for (let i = 0; i < 3; i++) {
      expect(await kindOf(faulty.get('a/x').then(readAll))).toBe('ok');
      expect(await kindOf(faulty.get('b/x'))).toBe('unavailable');
    }
    rule.remove();
    expect(await kindOf(faulty.get('b/x').then(readAll))).toBe('ok');
    expect(faulty.calls('get')).toBe(7);
  });

  it('can let the call happen and fail its reply', async () => {
    const { local, faulty } = await setup();
    faulty.inject({ method: 'put', fault: { type: 'fail', kind: 'transient', afterCall: true } });
    expect(await kindOf(faulty.put('a/x', bodyOf('x'), { size: 1 }))).toBe('transient');
    expect((await local.stat('a/x')).size).toBe(1);
  });

  it('delays calls on the clock', async () => {
    const { clock, local, faulty } = await setup();
    await local.put('a/x', bodyOf('x'), { size: 1 });
    faulty.inject({ method: 'stat', fault: { type: 'delay', ms: 2500 } });
    const start = clock.now();
    await clock.run(faulty.stat('a/x'));
    expect(clock.now() - start).toBe(2500);
  });

  it('cuts a put body after N bytes, failing or ending it early; nothing is stored', async () => {
    const { local, faulty } = await setup();
    const data = Buffer.alloc(1000, 7);
    faulty.inject({ method: 'put', nth: 1, fault: { type: 'cut-body', afterBytes: 300 } });
    faulty.inject({
      method: 'put',
      nth: 2,
      fault: { type: 'cut-body', afterBytes: 300, kind: 'unavailable' },
    });
    faulty.inject({ method: 'put', nth: 3, fault: { type: 'cut-body', afterBytes: 300, end: true } });
    expect(await kindOf(faulty.put('c/1', bodyOf(data), { size: 1000 }))).toBe('transient');
    expect(await kindOf(faulty.put('c/2', bodyOf(data), { size: 1000 }))).toBe('unavailable');
    expect(await kindOf(faulty.put('c/3', bodyOf(data), { size: 1000 }))).toBe('integrity');
    for (const k of ['c/1', 'c/2', 'c/3']) expect(await kindOf(local.stat(k))).toBe('not-found');
    await faulty.put('c/4', bodyOf(data), { size: 1000 });
    expect(await readAll(await local.get('c/4'))).toEqual(data);
  });

  it('corrupts one byte of a get stream', async () => {
    const { local, faulty } = await setup();
    const data = Buffer.from('0123456789');
    await local.put('k/x', bodyOf(data), { size: data.length });
    faulty.inject({ method: 'get', nth: 1, fault: { type: 'corrupt', atByte: 3 } });
    const got = await readAll(await faulty.get('k/x'));
    expect(got).not.toEqual(data);
    expect(got.length).toBe(data.length);
    expect([...got].filter((b, i) => b !== data[i])).toEqual([data[3]! ^ 0xff]);
    expect(await readAll(await faulty.get('k/x'))).toEqual(data);
  });

  it('breaks a get stream after N bytes and a listing after N objects', async () => {
    const { local, faulty } = await setup();
    await local.put('s/x', bodyOf('0123456789'), { size: 10 });
    await local.put('s/y', bodyOf('y'), { size: 1 });
    await local.put('s/z', bodyOf('z'), { size: 1 });
    faulty.inject({ method: 'get', fault: { type: 'cut-stream', after: 6, kind: 'transient' } });
    const stream = await faulty.get('s/x');
    const got: Buffer[] = [];
    const err = await (async () => {
      for await (const c of stream) got.push(c as Buffer);
    })().catch((e: unknown) => e as DestinationError);
    expect(err).toMatchObject({ kind: 'transient' });
    expect(Buffer.concat(got).toString()).toBe('012345');

    faulty.inject({ method: 'list', fault: { type: 'cut-stream', after: 2, kind: 'unavailable' } });
    const keys: string[] = [];
    const listErr = await (async () => {
      for await (const o of faulty.list('s/')) keys.push(o.key);
    })().catch((e: unknown) => e as DestinationError);
    expect(listErr).toMatchObject({ kind: 'unavailable' });
    expect(keys).toHaveLength(2);
  });

  it('tracks calls in flight, a get until its stream is read', async () => {
    const { clock, local, faulty } = await setup();
    await local.put('a/x', bodyOf('x'), { size: 1 });
    faulty.inject({ method: 'stat', fault: { type: 'delay', ms: 10 } });
    const stream = await faulty.get('a/x');
    expect(faulty.active).toBe(1);
    await clock.run(Promise.all([faulty.stat('a/x'), faulty.stat('a/x')]));
    expect(faulty.maxActive).toBe(3);
    await readAll(stream);
    expect(faulty.active).toBe(0);
  });
});
