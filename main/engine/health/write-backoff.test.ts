import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { DestinationError } from '../destinations/errors.js';
import type { CallOutcome } from './outcome.js';
import { PausedError, WriteBackoff } from './write-backoff.js';

const cut = new DestinationError('unavailable', 'S3', 'connection reset by the server (ECONNRESET)');
const put = (error?: unknown): CallOutcome => ({
  method: 'put',
  startedAt: 0,
  latencyMs: 5,
  ...(error === undefined ? {} : { error }),
});

function setup(random = () => 0.999) {
  const clock = new ManualClock();
  const reopened: string[] = [];
  const b = new WriteBackoff(clock, { baseMs: 1000, capMs: 8000, trialMs: 30_000, random }, (d) =>
    reopened.push(d),
  );
  return { clock, b, reopened };
}

describe('write backoff', () => {
  it('pauses a destination after a cut upload, naming the real error, then lets one trial go', () => {
    const { clock, b } = setup();
    expect(b.admit('S3')).toBeUndefined();
    b.record('S3', put(cut));
    const paused = b.admit('S3');
    expect(paused).toBeInstanceOf(PausedError);
    expect(paused!.message).toBe(
      'S3: uploads paused after 1 failed try (connection reset by the server (ECONNRESET)); next try in 1 s',
    );
    expect(paused!.kind).toBe('unavailable');
    clock.advance(1000);
    expect(b.admit('S3')).toBeUndefined(); // the trial
    expect(b.admit('S3')?.message).toMatch(/a trial upload is under way/);
    expect(b.admit('NAS')).toBeUndefined(); // other destinations are not affected
  });

  it('doubles the pause with each failed trial up to the cap, and a success reopens at once', () => {
    const { clock, b, reopened } = setup();
    const pauses: number[] = [];
    for (let i = 0; i < 6; i++) {
      b.record('S3', put(cut));
      pauses.push((b.admit('S3') as PausedError).retryAt - clock.now());
      clock.advance(pauses.at(-1)!);
      expect(b.admit('S3')).toBeUndefined();
    }
    expect(pauses.map((ms) => Math.round(ms / 100) * 100)).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(reopened).toEqual(['S3', 'S3', 'S3', 'S3', 'S3']); // each failed trial: wait for the new pause
    b.record('S3', put());
    expect(reopened).toHaveLength(6);
    expect(b.admit('S3')).toBeUndefined();
    expect(b.admit('S3')).toBeUndefined();
  });

  it('is jittered, so laptops that lost one line do not retry in step', () => {
    const a = setup(() => 0.1);
    const z = setup(() => 0.9);
    for (const s of [a, z]) s.b.record('S3', put(cut));
    const wait = (s: ReturnType<typeof setup>) => (s.b.admit('S3') as PausedError).retryAt - s.clock.now();
    expect(wait(a)).not.toBe(wait(z));
  });

  it('counts only outage failures of writes: reads, probes, a full disk or bad content do not pause uploads', () => {
    const { b } = setup();
    b.record('S3', { method: 'get', startedAt: 0, latencyMs: 1, error: cut });
    b.record('S3', { method: 'check', startedAt: 0, latencyMs: 1, error: cut });
    b.record('S3', put(new DestinationError('integrity', 'S3', 'checksum mismatch')));
    b.record('S3', put(new DestinationError('full', 'S3', 'quota exceeded')));
    expect(b.admit('S3')).toBeUndefined();
  });

  it('never pauses for less than a Retry-After the provider sent', () => {
    const { b, clock } = setup(() => 0);
    b.record('S3', put(new DestinationError('transient', 'S3', 'slow down', { retryAfterMs: 5000 })));
    expect((b.admit('S3') as PausedError).retryAt - clock.now()).toBe(5000);
  });

  it('lets another trial go when one neither succeeded nor failed within the trial time', () => {
    const { b, clock } = setup();
    b.record('S3', put(cut));
    clock.advance(1000);
    expect(b.admit('S3')).toBeUndefined();
    clock.advance(30_000);
    expect(b.admit('S3')).toBeUndefined();
  });
});
