import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { DestinationError } from '../destinations/errors.js';
import { bodyOf } from '../destinations/testing/conformance.js';
import { s3Harness } from '../destinations/testing/s3-harness.js';
import type { HealthChange } from './health.js';
import { HealthMonitor } from './monitor.js';
import { until } from './testing/drive.js';
import { withHealth } from './with-health.js';

/**
 * The monitor against a real S3 server (s3rver) that is stopped and started again, in real time
 * with the default probe schedule: a stopped server is `down` within 5 s of the first failed call
 * even though no more calls are made, and `healthy` again once it is back.
 */
describe('HealthMonitor against a real S3 server', () => {
  const harness = s3Harness();
  beforeAll(async () => harness.setup?.());
  afterAll(async () => harness.teardown?.());

  it('turns down within 5 s of the server stopping, and recovers when it is back', async () => {
    const provider = harness.destination(await harness.createBucket(), { name: 'cloud' });
    const monitor = new HealthMonitor(systemClock);
    const changes: HealthChange[] = [];
    monitor.on('change', (c) => changes.push(c));
    monitor.add(provider, { where: 'remote' });
    const dest = withHealth(provider, monitor, systemClock);
    const stop = new AbortController();
    const running = monitor.run(stop.signal);
    try {
      await until(() => monitor.health('cloud')?.reason === 'working normally', 10_000, 'the first probe');
      await dest.put('vault/a', bodyOf('hello'), { size: 5 });
      expect((await dest.stat('vault/a')).size).toBe(5);
      expect(monitor.health('cloud')?.state).toBe('healthy');

      const restart = await harness.makeUnavailable(provider);
      const stoppedAt = performance.now();
      const err = await dest.stat('vault/a').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DestinationError);
      expect((err as DestinationError).kind).toBe('unavailable');

      await until(() => monitor.health('cloud')?.state === 'down', 5000, 'the state to turn down');
      const detectedMs = performance.now() - stoppedAt;
      expect(detectedMs).toBeLessThan(5000);
      const down = monitor.health('cloud');
      expect(down).toMatchObject({
        state: 'down',
        cause: 'unavailable',
        reason: 'connection refused: the server is not answering',
      });
      expect(down?.detail).toMatch(/^cloud: .*cannot reach the server/);
      expect(down?.detail).not.toMatch(/S3RVER/);

      await restart();
      const restartedAt = performance.now();
      await until(() => monitor.health('cloud')?.state === 'healthy', 15_000, 'the recovery');
      // Probes run every 5 s while down.
      expect(performance.now() - restartedAt).toBeLessThan(8000);
      expect((await dest.stat('vault/a')).size).toBe(5);
      // On the way down it may pass through `degraded` (some calls failing) before the breaker opens.
      expect(changes.filter((c) => c.to === 'down').map((c) => c.cause)).toEqual(['unavailable']);
      expect(changes.at(-1)).toMatchObject({ from: 'down', to: 'healthy', cause: 'ok' });
    } finally {
      stop.abort();
      await running;
    }
  });
});
