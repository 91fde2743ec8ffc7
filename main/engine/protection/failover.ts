import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { DestinationHealth, HealthChange } from '../health/health.js';
import type { FailoverRow } from '../store/failovers.js';
import type { Store } from '../store/store.js';
import type { WeddingCoverage } from './coverage.js';

/** Events of the tracker: a failover began (work re-placed), or every affected wedding is whole again. */
export interface FailoverEvents {
  started: [incident: FailoverRow, requeued: number];
  recovered: [incident: FailoverRow, recoveryMs: number];
}

export interface FailoverDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  /** Coverage of the given weddings now (all when absent). */
  coverage: (weddings?: readonly (number | null)[]) => Map<number | null, WeddingCoverage>;
  /** Upload priority of a wedding's files (its policy's). */
  priorityOf: (weddingId: number | null) => number;
  /** Something was queued: let the scheduler look. */
  wake: () => void;
}

/**
 * Failover: when a destination goes down, every file with a copy there (and every upload waiting
 * for it) is queued again at once, so placement puts the copies the weddings now lack on the best
 * healthy alternates. The incident is recorded from the first failed call, and closed when every
 * wedding it left below target meets its target again: that span is the failover recovery time.
 * When the destination comes back, queued work is retried at once (catch-up where the policy wants it).
 */
export class FailoverTracker extends EventEmitter<FailoverEvents> {
  constructor(private readonly deps: FailoverDeps) {
    super();
  }

  /** Feeds one health change of a destination (from the health monitor). */
  onChange(change: HealthChange, health: DestinationHealth): void {
    const { store, clock } = this.deps;
    // A full destination is not failed over: its copies still count; new work just goes elsewhere.
    if (change.to === 'down' && change.from !== 'down' && change.cause !== 'full') {
      const now = clock.now();
      const failedAt = Math.min(health.failingSince ?? change.at, change.at);
      const incident = store.failovers.open(change.destination, failedAt, change.at, change.reason);
      const ids = store.files.idsStoredAt(change.destination);
      const requeued = store.tx(() => {
        for (const id of ids) {
          const file = store.files.byId(id);
          if (file)
            store.queue.enqueue('upload', String(id), now, {
              priority: this.deps.priorityOf(file.weddingId),
            });
        }
        return store.queue.retryNow('upload', now);
      });
      const below = [...this.deps.coverage().values()].filter((c) => c.below > 0).map((c) => c.weddingId);
      store.failovers.setWeddings(incident.id, below);
      const opened = store.failovers.byId(incident.id)!;
      this.deps.audit.record({
        kind: 'failover',
        destination: change.destination,
        subject: `${change.destination} is down: work moved to other destinations`,
        detail: {
          reason: change.reason,
          filesRequeued: ids.length + requeued,
          weddingsBelowTarget: below.length,
        },
      });
      this.emit('started', opened, ids.length);
      this.deps.wake();
      this.check();
    } else if (change.from === 'down' && change.to !== 'down') {
      store.failovers.back(change.destination, change.at);
      store.queue.retryNow('upload', clock.now());
      this.deps.wake();
    }
  }

  /**
   * Closes every open incident whose weddings all meet their target now. Cheap when none is open;
   * the engine calls it after every upload.
   */
  check(): void {
    const { store, clock } = this.deps;
    const open = store.failovers.unrecovered();
    if (open.length === 0) return;
    const now = clock.now();
    const weddings = [...new Set(open.flatMap((i) => i.weddings))];
    const coverage =
      weddings.length > 0 ? this.deps.coverage(weddings) : new Map<number | null, WeddingCoverage>();
    for (const incident of open) {
      if (incident.weddings.some((w) => (coverage.get(w)?.below ?? 0) > 0)) continue;
      store.failovers.recovered(incident.id, now);
      const recoveryMs = now - incident.failedAt;
      this.deps.audit.record({
        kind: 'failover',
        destination: incident.destination,
        subject: `every wedding meets its target again after ${incident.destination} failed`,
        detail: { recoveryMs, weddings: incident.weddings.length },
      });
      this.emit('recovered', store.failovers.byId(incident.id)!, recoveryMs);
    }
  }
}
