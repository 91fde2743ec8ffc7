import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { DestinationError } from '../destinations/errors.js';
import { FaultyDestination } from '../destinations/testing/faulty.js';
import type { DestinationHealth, HealthChange } from './health.js';
import { HealthMonitor, type MonitorOptions } from './monitor.js';
import { flush, makeDrive, until } from './testing/drive.js';
import { withHealth } from './with-health.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A monitor over one real local drive (behind a FaultyDestination for counting and faults), running. */
async function setup(opts: MonitorOptions = {}) {
  const clock = new ManualClock();
  const drive = await makeDrive('nas');
  const faulty = new FaultyDestination(drive.dest, { clock });
  const monitor = new HealthMonitor(clock, opts);
  const changes: HealthChange[] = [];
  monitor.on('change', (c) => changes.push(c));
  monitor.add(faulty, { where: 'local' });
  const dest = withHealth(faulty, monitor, clock);
  const stop = new AbortController();
  const running = monitor.run(stop.signal);
  cleanups.push(async () => {
    stop.abort();
    await running;
    await drive.cleanup();
  });
  const health = () => monitor.health('nas') as DestinationHealth;
  const watched = [faulty];
  /**
   * Moves the clock `ms` in 100 ms steps; after each step, waits (in real time) until no call is in
   * flight on the watched destinations, so every outcome is recorded at the step's clock time.
   */
  const pass = async (
    ms: number,
    stopWhen?: () => boolean,
    busy = () => watched.some((d) => d.active > 0),
  ) => {
    for (let t = 0; t < ms; t += 100) {
      clock.advance(100);
      await flush();
      await until(() => !busy(), 3000, 'calls in flight to finish');
      await flush();
      if (stopWhen?.()) return;
    }
  };
  await until(() => health().reason === 'working normally', 3000, 'the first probe');
  return { clock, drive, faulty, monitor, changes, dest, health, pass, watched };
}

describe('HealthMonitor', () => {
  it('probes at start and stays healthy, with no change events', async () => {
    const { faulty, health, changes, pass } = await setup();
    expect(faulty.calls('check')).toBe(1);
    expect(health()).toMatchObject({ state: 'healthy', cause: 'ok', breaker: 'closed' });
    await pass(60_000);
    expect(faulty.calls('check')).toBe(2);
    expect(changes).toEqual([]);
  });

  it('detects repeated failures of real calls within 5 s: an unplugged drive', async () => {
    const { clock, drive, dest, health, changes, pass } = await setup();
    await pass(30_000);
    await drive.unplug();
    const t0 = clock.now();
    // The engine's calls fail, as its retry wrapper would make them: at 0, 250 and 750 ms.
    for (const wait of [0, 250, 500]) {
      clock.advance(wait);
      await dest.stat('any/key').catch(() => undefined);
    }
    expect(health().state).toBe('down');
    expect(clock.now() - t0).toBeLessThanOrEqual(5000);
    expect(health()).toMatchObject({
      cause: 'unavailable',
      reason: 'drive unplugged or network share not mounted',
      since: changes[0]?.at,
      breaker: 'open',
    });
    expect(health().detail).toMatch(/^nas: folder .* not found: is the drive plugged in/);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ destination: 'nas', from: 'healthy', to: 'down' });
    await pass(100);
  });

  it('one failed call is confirmed by quick probes: down within 5 s although traffic stopped', async () => {
    const { clock, drive, dest, health, faulty, pass } = await setup();
    await pass(10_000);
    await drive.unplug();
    const t0 = clock.now();
    const checksBefore = faulty.calls('check');
    await dest.put('a/b', Readable.from([Buffer.from('x')]), { size: 1 }).catch(() => undefined);
    await flush();
    await pass(5000, () => health().state === 'down');
    expect(health().state).toBe('down');
    const detectedAfter = (health().since ?? 0) - t0;
    expect(detectedAfter).toBeLessThanOrEqual(5000);
    // the failed put, an immediate probe, one more a second later
    expect(detectedAfter).toBe(1000);
    expect(faulty.calls('check') - checksBefore).toBe(2);
  });

  it('an idle destination is found down by its periodic probe, then confirmed within seconds', async () => {
    const { clock, drive, health, pass } = await setup({ probe: { healthyMs: 30_000 } });
    const start = clock.now();
    await drive.unplug();
    await pass(40_000, () => health().state === 'down');
    // the probe at 30 s fails, then suspect probes at 31 s and 32 s
    expect(health().since - start).toBe(32_000);
  });

  it('probes faster while down, recovers when the drive is back, and keeps the history', async () => {
    const { clock, drive, dest, faulty, health, changes, monitor, pass } = await setup();
    await drive.unplug();
    for (let i = 0; i < 3; i++) await dest.check().catch(() => undefined);
    expect(health().state).toBe('down');
    const downAt = clock.now();
    const before = faulty.calls('check');
    await pass(30_000);
    // every 5 s while down (60 s while healthy)
    expect(faulty.calls('check') - before).toBe(6);
    await drive.plugIn();
    await pass(6000, () => health().state === 'healthy');
    expect(health()).toMatchObject({
      state: 'healthy',
      cause: 'ok',
      reason: 'working normally',
      breaker: 'closed',
    });
    expect(health().since - downAt).toBeLessThanOrEqual(35_000);
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(['healthy->down', 'down->healthy']);
    expect(monitor.history('nas')).toEqual(changes);
    const after = faulty.calls('check');
    await pass(30_000);
    expect(faulty.calls('check')).toBe(after);
  });

  it('names bad credentials in plain words, with the destination message as detail', async () => {
    const { faulty, health, monitor } = await setup();
    faulty.inject({
      method: 'check',
      fault: { type: 'fail', kind: 'auth', message: 'the access key or secret was refused' },
    });
    await monitor.probeNow('nas');
    expect(health()).toMatchObject({
      state: 'down',
      cause: 'auth',
      reason: 'bad credentials: the access key or password was refused',
      detail: 'nas: the access key or secret was refused',
    });
  });

  it('a check that never answers times out as "not answering"', async () => {
    const { clock, faulty, health, pass } = await setup({ probe: { timeoutMs: 2000 } });
    faulty.inject({ method: 'check', fault: { type: 'delay', ms: 3_600_000 } });
    const t0 = clock.now();
    // The delayed checks never reach the disk: only the clock matters here.
    await pass(
      120_000,
      () => health().state === 'down',
      () => false,
    );
    expect(health()).toMatchObject({ state: 'down', cause: 'unavailable' });
    expect(health().detail).toBe('nas: not answering: no reply within 2 s');
    // healthy probe at 60 s, then two more right after each timeout: 3 timeouts of 2 s
    expect(health().since - t0).toBe(66_000);
  });

  it('reports degraded for slow calls, and clears it when they leave the window', async () => {
    const { clock, monitor, health, changes, pass } = await setup({
      breaker: { slowCallMs: 5000, windowMs: 30_000, windowMinCalls: 3 },
    });
    for (let i = 0; i < 3; i++) {
      const startedAt = clock.now();
      clock.advance(8000);
      monitor.record('nas', { method: 'stat', startedAt, latencyMs: 8000 });
    }
    expect(health()).toMatchObject({
      state: 'degraded',
      cause: 'slow',
      reason: 'slow: calls take up to 8.0 s',
    });
    await pass(31_000, () => health().state === 'healthy');
    expect(health().state).toBe('healthy');
    expect(changes.map((c) => c.to)).toEqual(['degraded', 'healthy']);
  });

  it('advises callers through allow(): no work while open, one trial when half-open', async () => {
    const { clock, monitor } = await setup({ breaker: { coolDownMs: 5000 } });
    for (let i = 0; i < 3; i++)
      monitor.record('nas', {
        method: 'put',
        startedAt: clock.now(),
        latencyMs: 1,
        error: new DestinationError('unavailable', 'nas', 'gone'),
      });
    expect(monitor.allow('nas')).toBe(false);
    clock.advance(5000);
    expect(monitor.allow('nas')).toBe(true);
    expect(monitor.health('nas')?.breaker).toBe('half-open');
    expect(monitor.health('nas')?.state).toBe('down');
    expect(monitor.allow('nas')).toBe(false);
    expect(monitor.allow('unknown')).toBe(true);
  });

  it('watches several destinations independently and can add and remove them while running', async () => {
    const { clock, monitor, pass, watched } = await setup();
    const other = await makeDrive('cloud');
    cleanups.push(other.cleanup);
    const cloud = new FaultyDestination(other.dest, { clock });
    watched.push(cloud);
    monitor.add(cloud);
    await until(() => monitor.health('cloud')?.reason === 'working normally', 3000, 'the new probe');
    await other.unplug();
    await pass(70_000, () => monitor.health('cloud')?.state === 'down');
    expect(monitor.all().map((h) => [h.destination, h.state])).toEqual([
      ['nas', 'healthy'],
      ['cloud', 'down'],
    ]);
    // remote wording for a destination added without `where: 'local'`
    expect(monitor.health('cloud')?.reason).toBe(
      'not reachable: the network is down or the service is unavailable',
    );
    monitor.remove('cloud');
    expect(monitor.health('cloud')).toBeUndefined();
    expect(() => monitor.add(cloud)).not.toThrow();
    expect(() => monitor.add(cloud)).toThrow(/already monitored/);
    expect(clock.now()).toBeGreaterThan(0);
  });
});
