import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import { DestinationError } from '../destinations/errors.js';
import type { AuditLog } from '../store/audit-log.js';
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
  /**
   * Placement can move work elsewhere (`protection.copies: "policy"`; default true). With a copy on
   * every destination there is nowhere else to put it: the files stored there are not queued again
   * (an unplugged drive would otherwise turn every file into a failing job until it is back).
   */
  replaces?: boolean;
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
  /** Destinations that are down now (any cause): placement leaves them out. */
  private readonly down = new Set<string>();

  constructor(private readonly deps: FailoverDeps) {
    super();
  }

  /**
   * When to try again a file whose upload failed with `errors`: at once (0) when one of them came
   * from a destination that is down now and that placement no longer targets (`targets`: where the
   * file's content goes now), since its copy now goes elsewhere; an upload in flight when its
   * destination went down would otherwise wait out the usual backoff, keeping its wedding below
   * target that long. Undefined for the usual backoff (also while the down destination stays a
   * target, as with `protection.copies: "all"`, so nothing is retried in a loop).
   */
  retryInMs(errors: readonly Error[], targets: () => readonly string[]): number | undefined {
    const down = errors.flatMap((e) =>
      e instanceof DestinationError && this.down.has(e.destination) ? [e.destination] : [],
    );
    if (down.length === 0) return undefined;
    const now = new Set(targets());
    return down.some((d) => !now.has(d)) ? 0 : undefined;
  }

  /** Feeds one health change of a destination (from the health monitor). */
  onChange(change: HealthChange, health: DestinationHealth): void {
    const { store, clock } = this.deps;
    if (change.to === 'down') this.down.add(change.destination);
    else this.down.delete(change.destination);
    // A full destination is not failed over: its copies still count; new work just goes elsewhere.
    if (change.to === 'down' && change.from !== 'down' && change.cause !== 'full') {
      const now = clock.now();
      const failedAt = Math.min(health.failingSince ?? change.at, change.at);
      const incident = store.failovers.open(change.destination, failedAt, change.at, change.reason);
      const ids = this.deps.replaces === false ? [] : store.files.idsStoredAt(change.destination);
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
      // Affected: every wedding below target now (those still uploading when it failed included, or
      // a failure early in a backup would close the incident at once), leaving out those that could
      // not meet their policy before (a region with too few destinations): they would keep the
      // incident open forever and are reported on their own.
      const below = [...this.deps.coverage().values()]
        .filter((c) => c.below > 0 && store.placements.shortfallOf(c.weddingId) === null)
        .map((c) => c.weddingId);
      store.failovers.setWeddings(incident.id, below);
      const opened = store.failovers.byId(incident.id)!;
      this.deps.audit.record({
        kind: 'failover',
        destination: change.destination,
        subject:
          this.deps.replaces === false
            ? `${change.destination} is down: its copies wait for it to come back`
            : `${change.destination} is down: work moved to other destinations`,
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
      // Snapshots that could not be written there wait out a backoff of up to 30 min otherwise.
      store.queue.retryNow('snapshot', clock.now());
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
