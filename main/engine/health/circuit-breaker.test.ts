import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { DestinationError, type DestinationErrorKind } from '../destinations/errors.js';
import type { DestinationMethod } from '../destinations/wrap/methods.js';
import { CircuitBreaker, type BreakerOptions } from './circuit-breaker.js';

function setup(opts: Partial<BreakerOptions> = {}) {
  const clock = new ManualClock();
  const breaker = new CircuitBreaker(clock, opts);
  /** A call that starts now and takes `ms`, failing with `kind` or succeeding. */
  const call = (method: DestinationMethod, kind?: DestinationErrorKind, ms = 10) => {
    const startedAt = clock.now();
    clock.advance(ms);
    return breaker.record({
      method,
      startedAt,
      latencyMs: ms,
      ...(kind ? { error: new DestinationError(kind, 'nas', `${method} failed`) } : {}),
    });
  };
  // Calls start after the breaker was made.
  clock.advance(1000);
  return { clock, breaker, call };
}

describe('CircuitBreaker', () => {
  it('opens after three outage failures in a row; a success in between resets the count', () => {
    const { breaker, call } = setup({ windowMinCalls: 100 });
    call('stat', 'unavailable');
    call('stat', 'transient');
    call('stat');
    call('stat', 'unavailable');
    call('put', 'unavailable');
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
    expect(call('get', 'unavailable')).toBe(true);
    const s = breaker.snapshot();
    expect(s.state).toBe('open');
    expect(s.trip).toMatchObject({ kind: 'unavailable', method: 'get', by: 'consecutive' });
    expect(breaker.allow()).toBe(false);
  });

  it('a not-found or throttled answer proves the server is there and resets the count', () => {
    const { breaker, call } = setup({ windowMinCalls: 100 });
    call('stat', 'unavailable');
    call('stat', 'unavailable');
    call('stat', 'not-found');
    call('stat', 'unavailable');
    call('stat', 'unavailable');
    call('stat', 'throttled');
    call('stat', 'unavailable');
    call('stat', 'unavailable');
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('opens at once on a blocking failure: bad credentials, missing bucket, permission, full', () => {
    for (const kind of ['auth', 'missing-container', 'permission', 'full'] as const) {
      const { breaker, call } = setup();
      call('put', kind);
      expect(breaker.snapshot()).toMatchObject({ state: 'open', trip: { kind, by: 'blocking' } });
    }
    const { breaker, call } = setup();
    call('stat', 'permanent');
    expect(breaker.snapshot().state).toBe('closed');
    call('check', 'permanent');
    expect(breaker.snapshot()).toMatchObject({ state: 'open', trip: { kind: 'permanent', method: 'check' } });
  });

  it('opens on the error ratio of the sliding window even without three in a row', () => {
    const { breaker, call, clock } = setup({ windowMs: 10_000, windowMinCalls: 6, openErrorRatio: 0.5 });
    for (let i = 0; i < 3; i++) {
      call('stat');
      expect(breaker.snapshot().state).toBe('closed');
      call('stat', 'transient');
      clock.advance(100);
    }
    // 3 of 6 failed: half
    expect(breaker.snapshot()).toMatchObject({ state: 'open', trip: { by: 'ratio', kind: 'transient' } });
  });

  it('forgets outcomes that left the window', () => {
    const { breaker, call, clock } = setup({ windowMs: 10_000, windowMinCalls: 6, openErrorRatio: 0.5 });
    call('stat', 'transient');
    call('stat');
    call('stat', 'transient');
    call('stat');
    clock.advance(10_001);
    call('stat');
    call('stat', 'transient');
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('goes half-open after the cool-down, lets one trial through, and closes when it succeeds', () => {
    const { breaker, call, clock } = setup({ coolDownMs: 5000 });
    for (let i = 0; i < 3; i++) call('check', 'unavailable');
    const opened = clock.now();
    expect(breaker.nextChangeAt()).toBe(opened + 5000);
    clock.advance(4999);
    expect(breaker.allow()).toBe(false);
    clock.advance(1);
    expect(breaker.snapshot()).toMatchObject({ state: 'half-open', since: opened + 5000 });
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false);
    clock.advance(200);
    expect(call('stat', undefined, 100)).toBe(true);
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0, coolDownMs: 5000 });
    expect(breaker.allow()).toBe(true);
  });

  it('re-opens when the trial fails, doubling the cool-down up to the maximum', () => {
    const { breaker, call, clock } = setup({ coolDownMs: 5000, maxCoolDownMs: 15_000 });
    for (let i = 0; i < 3; i++) call('check', 'unavailable');
    const coolDowns: number[] = [];
    for (let round = 0; round < 3; round++) {
      clock.advance(breaker.snapshot().coolDownMs);
      expect(breaker.allow()).toBe(true);
      clock.advance(10);
      call('stat', 'unavailable');
      expect(breaker.snapshot().state).toBe('open');
      coolDowns.push(breaker.snapshot().coolDownMs);
    }
    expect(coolDowns).toEqual([10_000, 15_000, 15_000]);
  });

  it('counts a call started while open that ends after the cool-down (half-open is only time passing)', () => {
    const { breaker, call, clock } = setup({ coolDownMs: 5000 });
    for (let i = 0; i < 3; i++) call('check', 'unavailable');
    clock.advance(4900);
    // a probe starts while open and answers 200 ms later, in half-open
    expect(call('check', undefined, 200)).toBe(true);
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('frees a trial slot whose outcome never came, after trialTimeoutMs', () => {
    const { breaker, call, clock } = setup({ coolDownMs: 1000, trialTimeoutMs: 30_000 });
    for (let i = 0; i < 3; i++) call('check', 'unavailable');
    clock.advance(1000);
    expect(breaker.allow()).toBe(true);
    clock.advance(29_999);
    expect(breaker.allow()).toBe(false);
    clock.advance(1);
    expect(breaker.allow()).toBe(true);
  });

  it('closes early when a success is seen while open (a probe found it back)', () => {
    const { breaker, call, clock } = setup({ coolDownMs: 60_000 });
    for (let i = 0; i < 3; i++) call('check', 'unavailable');
    clock.advance(2000);
    call('check');
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('ignores stale outcomes of calls that started before the last change', () => {
    const { breaker, call, clock } = setup();
    const longAgo = clock.now();
    for (let i = 0; i < 3; i++) call('check', 'unavailable');
    clock.advance(1000);
    // A call that started before the breaker opened and returns fine now proves nothing.
    breaker.record({ method: 'stat', startedAt: longAgo, latencyMs: clock.now() - longAgo });
    expect(breaker.snapshot().state).toBe('open');
    call('check');
    expect(breaker.snapshot().state).toBe('closed');
    // Failures of calls that hung through the outage cannot re-open it.
    for (let i = 0; i < 5; i++)
      breaker.record({
        method: 'put',
        startedAt: longAgo,
        latencyMs: 1,
        error: new DestinationError('unavailable', 'nas', 'late'),
      });
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('a full destination is only proven fixed by a write, not by a check', () => {
    const { breaker, call, clock } = setup({ coolDownMs: 1000 });
    call('put', 'full');
    clock.advance(500);
    call('check');
    expect(breaker.snapshot().state).toBe('open');
    clock.advance(500);
    expect(breaker.allow()).toBe(true);
    call('check');
    expect(breaker.snapshot().state).toBe('half-open');
    call('stat');
    expect(breaker.snapshot().state).toBe('half-open');
    call('promote');
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('bad credentials are proven fixed by any answer', () => {
    const { breaker, call } = setup();
    call('put', 'auth');
    call('check');
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('a blocking failure while open replaces an outage as the cause, not the other way round', () => {
    const { breaker, call } = setup();
    for (let i = 0; i < 3; i++) call('check', 'unavailable');
    call('stat', 'auth');
    expect(breaker.snapshot().trip).toMatchObject({ kind: 'auth', by: 'blocking' });
    call('stat', 'unavailable');
    expect(breaker.snapshot().trip?.kind).toBe('auth');
  });

  it('reports degraded while closed: slow calls (puts excluded), throttling, some failures', () => {
    const slow = setup({ slowCallMs: 2000, windowMinCalls: 4, slowCallRatio: 0.5 });
    // Big uploads take long because they are big: their time is no health signal.
    for (let i = 0; i < 6; i++)
      slow.breaker.record({ method: 'put', startedAt: slow.clock.now(), latencyMs: 60_000 });
    slow.call('stat', undefined, 100);
    expect(slow.breaker.snapshot().degraded).toBeUndefined();
    slow.call('stat', undefined, 2500);
    slow.call('check', undefined, 3000);
    slow.call('stat', undefined, 100);
    expect(slow.breaker.snapshot()).toMatchObject({
      state: 'closed',
      degraded: { cause: 'slow', calls: 10, slow: 2, slowestMs: 3000 },
    });

    const throttled = setup({ windowMinCalls: 5, degradedErrorRatio: 0.2 });
    for (let i = 0; i < 4; i++) throttled.call('put');
    throttled.call('put', 'throttled');
    expect(throttled.breaker.snapshot().degraded).toMatchObject({
      cause: 'throttled',
      throttled: 1,
      calls: 5,
    });

    const flaky = setup({ windowMinCalls: 5, degradedErrorRatio: 0.2 });
    for (let i = 0; i < 4; i++) flaky.call('get');
    flaky.call('get', 'transient');
    expect(flaky.breaker.snapshot()).toMatchObject({
      state: 'closed',
      degraded: { cause: 'flaky', failed: 1 },
    });
    // and it clears once those calls leave the window
    flaky.clock.advance(60_000);
    expect(flaky.breaker.snapshot().degraded).toBeUndefined();
  });
});
