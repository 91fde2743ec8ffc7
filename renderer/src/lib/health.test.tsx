// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { DestinationStatus } from '../../../shared/model/status.js';
import { healthOf } from './health.js';

const d = (over: Partial<DestinationStatus> = {}): DestinationStatus => ({
  name: 'NAS',
  kind: 'local',
  location: '/nas',
  enabled: true,
  reachable: true,
  problem: null,
  objects: 3,
  health: 'unknown',
  since: null,
  ...over,
});

describe('destination health', () => {
  it('prefers the health monitor report, with its history', () => {
    const h = healthOf(d(), [
      {
        destination: 'NAS',
        state: 'degraded',
        cause: 'slow',
        reason: 'answers slowly',
        since: 5,
        history: [{ at: 5, from: 'healthy', to: 'degraded', cause: 'slow', reason: 'answers slowly' }],
      },
    ]);
    expect(h).toMatchObject({ state: 'degraded', reason: 'answers slowly', since: 5 });
    expect(h.history).toHaveLength(1);
  });
  it('then the state the status report carries, then plain reachability', () => {
    expect(
      healthOf(d({ health: 'down', problem: 'share not mounted', since: '2026-06-14T10:00:00Z' }), null),
    ).toMatchObject({
      state: 'down',
      reason: 'share not mounted',
      since: Date.parse('2026-06-14T10:00:00Z'),
    });
    expect(healthOf(d({ reachable: false, problem: 'drive unplugged' }), null)).toMatchObject({
      state: 'down',
      reason: 'drive unplugged',
    });
    expect(healthOf(d(), null)).toMatchObject({ state: 'healthy' });
    expect(healthOf(d({ enabled: false }), null).state).toBe('disabled');
  });
});
