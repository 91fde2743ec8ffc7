// Test support: engine status reports as GET /api/status returns them, built for one situation each.
import type { DestinationStatus, StatusReport } from '../../../shared/model/status.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';

export function destination(name: string, over: Partial<DestinationStatus> = {}): DestinationStatus {
  return {
    name,
    kind: 'local',
    location: `/Volumes/${name}`,
    enabled: true,
    reachable: true,
    problem: null,
    objects: 10,
    health: 'healthy',
    since: null,
    ...over,
  };
}

export function wedding(id: number, over: Partial<WeddingStatus> = {}): WeddingStatus {
  return {
    wedding: {
      id,
      slug: `2026-06-${10 + id}-w${id}`,
      couple: `W${id}`,
      date: null,
      source: 'folder',
      folders: [],
    },
    files: 10,
    bytes: 10_000,
    protected: 10,
    pending: 0,
    failed: 0,
    skipped: 0,
    copies: { SSD: 10, NAS: 10 },
    ...over,
  };
}

/** Two weddings fully protected on two reachable destinations, nothing queued. */
export function report(over: Partial<StatusReport> = {}): StatusReport {
  return {
    home: '/Users/ana/Library/Application Support/Keepsake',
    target: 2,
    weddings: [wedding(1), wedding(2)],
    unassigned: null,
    destinations: [destination('SSD'), destination('NAS')],
    queue: { queued: 0, running: 0, retrying: 0 },
    problems: [],
    warnings: [],
    allProtected: true,
    ...over,
  };
}
