import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DestinationError, isRetriable, type DestinationErrorKind } from '../errors.js';
import type { S3Destination } from '../s3/s3.js';
import { bodyOf, readAll } from './conformance.js';
import { FaultProxy } from './fault-proxy.js';
import { s3Harness } from './s3-harness.js';

const MiB = 1024 * 1024;

/** The DestinationError a call fails with; fails the test if it resolves or throws anything else. */
async function failure(promise: Promise<unknown>): Promise<DestinationError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the call should have failed').toBeInstanceOf(DestinationError);
  return err as DestinationError;
}

async function kindOf(promise: Promise<unknown>): Promise<DestinationErrorKind> {
  return (await failure(promise)).kind;
}

/** How a raw TCP connection to `port` ends: the error code, or `open` when it connected. */
function rawConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve('open');
    });
    sock.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

const elapsed = async (run: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await run();
  return performance.now() - start;
};

describe('fault proxy in front of a real s3rver', () => {
  const s3 = s3Harness();
  let proxy: FaultProxy;
  let bucket: string;
  /** The S3 destination pointed at the proxy. */
  let dest: S3Destination;

  beforeAll(async () => {
    await s3.setup?.();
    bucket = await s3.createBucket();
    proxy = await FaultProxy.start({ port: Number(new URL(s3.endpoint).port) });
    dest = s3.destination(bucket, { name: 'via-proxy', endpoint: proxy.endpoint });
  });
  afterEach(async () => {
    await proxy.mode('pass');
  });
  afterAll(async () => {
    await dest?.close();
    await proxy?.close();
    await s3.teardown?.();
  });

  it('relays calls in pass mode and counts connections and bytes', async () => {
    const data = randomBytes(200_000);
    proxy.resetStats();
    await dest.put('pass/one', bodyOf(data), { size: data.length });
    expect((await readAll(await dest.get('pass/one'))).equals(data)).toBe(true);
    const stats = proxy.stats();
    expect(stats.connections).toBeGreaterThanOrEqual(1);
    expect(stats.bytesUp).toBeGreaterThan(data.length);
    expect(stats.bytesDown).toBeGreaterThan(data.length);
    expect(proxy.currentMode).toEqual({ name: 'pass' });
  });

  it('refuse closes the port (unavailable), cuts open connections, and pass reopens the same port', async () => {
    await dest.check();
    const port = proxy.port;
    // An open relayed connection, mid-request.
    const open = connect({ host: '127.0.0.1', port });
    const ended = new Promise<string>((resolve) => {
      open.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      open.once('close', () => resolve('closed'));
    });
    await new Promise((r) => open.once('connect', r));
    open.write(`PUT /${bucket}/refuse/half HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123`);
    await new Promise((r) => setTimeout(r, 50));

    await proxy.mode('refuse');
    expect(await ended).toBe('ECONNRESET');
    expect(await rawConnect(port)).toBe('ECONNREFUSED');
    const err = await failure(dest.check());
    expect(err.kind).toBe('unavailable');
    expect(isRetriable(err)).toBe(true);

    await proxy.mode('pass');
    expect(proxy.port).toBe(port);
    await dest.check();
  });

  it('refuse with reset accepts and resets at once: a retriable failure', async () => {
    await proxy.mode('refuse', { reset: true });
    const err = await failure(dest.stat('nothing/here'));
    // The SDK reports a reset during connect as a TimeoutError, which errors.ts reads as unreachable.
    expect(['unavailable', 'transient']).toContain(err.kind);
    expect(err.message).toContain('ECONNRESET');
    expect(isRetriable(err)).toBe(true);
  });

  it('answers 503 without contacting the server: unavailable, retriable, Retry-After and Connection: close', async () => {
    const before = await s3.requestCounts(bucket);
    await proxy.mode('http-error', { status: 503 });
    const data = randomBytes(50_000);
    const putErr = await failure(dest.put('errors/503', bodyOf(data), { size: data.length }));
    expect(putErr.kind).toBe('unavailable');
    expect(isRetriable(putErr)).toBe(true);
    expect(putErr.message).toContain('ServiceUnavailable');
    expect(await kindOf(dest.stat('errors/503'))).toBe('unavailable');

    const res = await fetch(`${proxy.endpoint}/${bucket}/errors/503`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.text()).toContain('<Code>ServiceUnavailable</Code>');

    expect(proxy.stats().httpErrors).toBeGreaterThanOrEqual(3);
    expect(await s3.requestCounts(bucket)).toEqual(before);
    await proxy.mode('pass');
    expect(await kindOf(dest.stat('errors/503'))).toBe('not-found');
  });

  it('answers 500: classified transient and retriable, also on a pooled connection opened before', async () => {
    await dest.check(); // leaves a keep-alive connection in the client's pool
    await proxy.mode('http-error', { status: 500 });
    const err = await failure(dest.check());
    expect(err.kind).toBe('transient');
    expect(isRetriable(err)).toBe(true);
    const data = randomBytes(10_000);
    expect(await kindOf(dest.put('errors/500', bodyOf(data), { size: data.length }))).toBe('transient');
  });

  it('cuts a 3 MiB put mid-transfer: the put fails, never a silent success', async () => {
    const data = randomBytes(3 * MiB);
    const before = proxy.stats();
    await proxy.mode('cut', { afterBytes: MiB });
    const err = await failure(dest.put('cut/three', bodyOf(data), { size: data.length }));
    expect(isRetriable(err)).toBe(true);
    const after = proxy.stats();
    expect(after.cuts).toBe(before.cuts + 1);
    expect(after.bytesUp - before.bytesUp).toBeGreaterThanOrEqual(MiB);
    expect(after.bytesUp - before.bytesUp).toBeLessThan(data.length);

    await proxy.mode('pass');
    // s3rver checks neither Content-MD5 nor aborted bodies: it may keep the truncated bytes under the
    // key (real S3 discards them). Either way no complete copy may exist after a failed put.
    const left = await dest.stat('cut/three').then(
      (info) => info.size,
      (e: unknown) => (e instanceof DestinationError ? e.kind : e),
    );
    if (left !== 'not-found') expect(left).toBeLessThan(data.length);
    await dest.put('cut/three', bodyOf(data), { size: data.length });
    expect((await readAll(await dest.get('cut/three'))).equals(data)).toBe(true);
  });

  it('delay slows every call by the delay each way', async () => {
    const data = randomBytes(1000);
    await dest.put('delay/one', bodyOf(data), { size: data.length });
    const fast = await elapsed(() => dest.stat('delay/one'));
    await proxy.mode('delay', { ms: 150 });
    const slow = await elapsed(() => dest.stat('delay/one'));
    expect(slow).toBeGreaterThanOrEqual(295);
    expect(slow - fast).toBeGreaterThanOrEqual(250);
  });

  it('blackhole accepts and never answers, until refuse cuts the hung connection', async () => {
    const before = await s3.requestCounts(bucket);
    await proxy.blackhole();
    const hung = fetch(`${proxy.endpoint}/${bucket}?list-type=2`).then(
      () => 'answered',
      () => 'failed',
    );
    const early = await Promise.race([hung, new Promise((r) => setTimeout(() => r('pending'), 400))]);
    expect(early).toBe('pending');
    expect(proxy.stats().open).toBeGreaterThanOrEqual(1);
    await proxy.mode('refuse');
    expect(await hung).toBe('failed');
    expect(await s3.requestCounts(bucket)).toEqual(before);
  });

  it('stops and restarts the real server mid-put: calls fail while it is down, data survives', async () => {
    const kept = randomBytes(100_000);
    await dest.put('restart/kept', bodyOf(kept), { size: kept.length });

    // A put slowed by the proxy is in flight when the server stops.
    await proxy.mode('delay', { ms: 150 });
    const big = randomBytes(3 * MiB);
    const inFlight = failure(dest.put('restart/big', bodyOf(big), { size: big.length }));
    await new Promise((r) => setTimeout(r, 50));
    await s3.stop();
    expect(isRetriable(await inFlight)).toBe(true);
    await proxy.mode('pass');

    const viaProxy = await failure(dest.stat('restart/kept'));
    expect(isRetriable(viaProxy)).toBe(true);
    const direct = s3.destination(bucket, { name: 'direct' });
    try {
      expect(await kindOf(direct.check())).toBe('unavailable');
    } finally {
      await direct.close();
    }

    await s3.restart();
    expect((await readAll(await dest.get('restart/kept'))).equals(kept)).toBe(true);
    expect(await kindOf(dest.stat('restart/big'))).toBe('not-found');
  });
});
