import { useEffect, useState } from 'react';
import type { DestinationHealthReport } from '../../../shared/api/contract.js';
import type { DestinationStatus } from '../../../shared/model/status.js';
import { api, notServed } from './api.js';
import { useLiveEvent } from './events.js';

/** One destination's health as the screens show it, from the health monitor or, without it, from status. */
export interface HealthView {
  name: string;
  state: 'healthy' | 'degraded' | 'down' | 'disabled';
  reason: string;
  since: number | null;
  history: DestinationHealthReport['history'];
}

/** The health monitor's reports (null while the engine does not serve them), kept live by `health` events. */
export function useHealthReports(): { reports: DestinationHealthReport[] | null; served: boolean } {
  const [reports, setReports] = useState<DestinationHealthReport[] | null>(null);
  const [served, setServed] = useState(true);
  useEffect(() => {
    let live = true;
    api.get('GET /api/health').then(
      (r) => live && setReports(r),
      (e: unknown) => live && notServed(e) && setServed(false),
    );
    return () => {
      live = false;
    };
  }, []);
  useLiveEvent(['health'], (e) =>
    setReports((rs) => [...(rs ?? []).filter((r) => r.destination !== e.health.destination), e.health]),
  );
  return { reports, served };
}

/** Health of each destination: the monitor's when it has one, else reachability from the status check. */
export function healthOf(d: DestinationStatus, reports: DestinationHealthReport[] | null): HealthView {
  if (!d.enabled)
    return {
      name: d.name,
      state: 'disabled',
      reason: 'Disabled: nothing is sent here',
      since: null,
      history: [],
    };
  const r = reports?.find((x) => x.destination === d.name);
  if (r) return { name: d.name, state: r.state, reason: r.reason, since: r.since, history: r.history };
  // The monitor's state carried by the status report, when the engine runs one.
  const h = d.health as DestinationStatus['health'] | undefined;
  if (h && h !== 'unknown') {
    const since = d.since ? Date.parse(d.since) : NaN;
    const fallback = {
      healthy: 'Working normally',
      degraded: 'Slow or sometimes failing',
      down: 'Not reachable',
    }[h];
    return {
      name: d.name,
      state: h,
      reason: d.problem ?? fallback,
      since: Number.isNaN(since) ? null : since,
      history: [],
    };
  }
  return d.reachable
    ? { name: d.name, state: 'healthy', reason: 'Reachable', since: null, history: [] }
    : { name: d.name, state: 'down', reason: d.problem ?? 'Not reachable', since: null, history: [] };
}
