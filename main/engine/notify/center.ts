import type {
  Notification,
  NotificationKind,
  NotificationSeverity,
} from '../../../shared/model/notification.js';
import { isoAt, type Clock } from '../clock.js';
import type { DestinationHealth } from '../health/health.js';
import { WakeableSleep } from '../health/wakeable-sleep.js';
import type { VerifyResult } from '../scrub/verify.js';
import type { Notifier } from './notifier.js';

export interface CenterOptions {
  /** A destination must stay down this long before anyone is told. Default 0 (at once). */
  downAfterMs: number;
  /** A wedding must stay below its copy target this long before anyone is told. Default 6 h. */
  belowTargetAfterMs: number;
  /**
   * A condition must stay clear this long before its incident closes. A destination that flaps
   * (down, up, down) within this time stays one incident: one message, not a storm. Default 60 s.
   */
  settleMs: number;
  /** Also send a message when an incident that was notified closes. Default true. */
  notifyResolved: boolean;
  /** First wait before a failed delivery is tried again; doubles per attempt. Default 60 s. */
  retryMs: number;
  /** Deliveries tried in all per notifier and message. Default 5. */
  maxAttempts: number;
  /** Told of every failed delivery (to log it); the message never holds a channel's secrets. */
  onError?: (err: unknown, notifier: string, event: Notification) => void;
}

export const defaultCenterOptions: CenterOptions = {
  downAfterMs: 0,
  belowTargetAfterMs: 6 * 3600_000,
  settleMs: 60_000,
  notifyResolved: true,
  retryMs: 60_000,
  maxAttempts: 5,
};

/** An incident as the center tracks it, also what `incidents()` returns for the UI. */
export interface Incident {
  /** `destination-down:nas`, `below-target:12`, `verify-failed:cloud`. */
  key: string;
  /** Unique per occurrence: the key and when the condition began. */
  id: string;
  kind: NotificationKind;
  severity: NotificationSeverity;
  title: string;
  message: string;
  /** When the condition began (clock ms). */
  since: number;
  /** True once the user was told. */
  notified: boolean;
  /** When the condition cleared, while the incident settles before closing. */
  clearedAt?: number;
  destination?: string;
  weddingId?: number;
}

interface Tracked extends Incident {
  notifyAt: number;
}

interface Delivery {
  event: Notification;
  notifier: Notifier;
  attempts: number;
  nextAt: number;
  sending: boolean;
}

/** What to raise: the incident's content, and how long its condition must last before notifying. */
interface Raise {
  kind: NotificationKind;
  severity: NotificationSeverity;
  title: string;
  message: string;
  holdMs: number;
  destination?: string;
  weddingId?: number;
}

/**
 * Turns conditions into notifications, once per incident: a destination going down, a wedding below
 * its copy target for longer than `belowTargetAfterMs`, a verify run finding damaged or missing
 * copies. Reporting the same condition again changes nothing; an incident closes when its condition
 * has been clear for `settleMs` (sending a "resolved" message if it was notified), and a later
 * occurrence is a new incident that notifies again. Every notifier gets every message; a failed
 * delivery is retried with backoff. Time comes from the Clock: `tick()` does what is due, `run()`
 * calls it whenever something is.
 */
export class NotificationCenter {
  private readonly opts: CenterOptions;
  private readonly open = new Map<string, Tracked>();
  private readonly outbox: Delivery[] = [];
  private readonly sleeper: WakeableSleep;

  constructor(
    private readonly clock: Clock,
    private readonly notifiers: readonly Notifier[],
    opts: Partial<CenterOptions> = {},
  ) {
    this.opts = { ...defaultCenterOptions, ...opts };
    this.sleeper = new WakeableSleep(clock);
  }

  /** Feeds a destination's health (from the HealthMonitor's `change` events): `down` raises, else clears. */
  destinationHealth(h: Pick<DestinationHealth, 'destination' | 'state' | 'reason' | 'since'>): void {
    const key = `destination-down:${h.destination}`;
    if (h.state !== 'down') return this.clear(key);
    this.raise(key, {
      kind: 'destination-down',
      severity: 'warning',
      title: `Backup destination "${h.destination}" is down`,
      message:
        `"${h.destination}" has not been working since ${isoAt(h.since)}: ${h.reason}. ` +
        'Backups to it wait until it works again; Keepsake keeps trying.',
      holdMs: this.opts.downAfterMs,
      destination: h.destination,
    });
  }

  /**
   * Feeds one wedding's protection: how many of its live files (skipped ones left out) have fewer
   * copies than the target. Any for `belowTargetAfterMs` raises; none clears. `weddingId` null is
   * the files not assigned to a wedding.
   */
  weddingProtection(p: {
    weddingId: number | null;
    name: string;
    files: number;
    belowTarget: number;
    target: number;
  }): void {
    const key = `below-target:${p.weddingId ?? 'unassigned'}`;
    if (p.belowTarget <= 0) return this.clear(key);
    const hours = Math.round((this.opts.belowTargetAfterMs / 3600_000) * 10) / 10;
    this.raise(key, {
      kind: 'below-target',
      severity: 'critical',
      title: `Wedding "${p.name}" is not fully protected`,
      message:
        `${p.belowTarget} of ${p.files} files of "${p.name}" have had fewer than ${p.target} backup copies ` +
        `for more than ${hours} h. Check that your destinations are working.`,
      holdMs: this.opts.belowTargetAfterMs,
      ...(p.weddingId === null ? {} : { weddingId: p.weddingId }),
    });
  }

  /**
   * Feeds a finished verify run: a destination with missing, damaged or tampered copies raises its
   * incident; one that was checked and had none clears it. Unreachable destinations are left as they
   * were (their health tells that story).
   */
  verifyFinished(result: VerifyResult, checked: readonly string[]): void {
    for (const destination of checked) {
      if (result.unreachable.some((u) => u.destination === destination)) continue;
      const on = <T extends { destination: string }>(list: T[]) =>
        list.filter((x) => x.destination === destination).length;
      const missing = on(result.missing);
      const corrupt = on(result.corrupt);
      const tampered = on(result.tamperedManifests);
      const unrepairable = on(result.unrepairable);
      const key = `verify-failed:${destination}`;
      if (missing + corrupt + tampered === 0) {
        this.clear(key);
        continue;
      }
      const found = [
        missing ? `${missing} missing` : '',
        corrupt ? `${corrupt} damaged` : '',
        tampered ? `${tampered} altered snapshot manifest(s)` : '',
      ].filter(Boolean);
      this.raise(key, {
        kind: 'verify-failed',
        severity: 'critical',
        title: `Verification found problems on "${destination}"`,
        message:
          `Checking the copies on "${destination}" found ${found.join(', ')}. ` +
          (unrepairable > 0
            ? `${unrepairable} cannot be re-sent because the original is no longer on this computer; they are still on your other destinations.`
            : 'They are being sent again from the originals on this computer.'),
        holdMs: 0,
        destination,
      });
    }
  }

  /** Open incidents (notified or still waiting out their hold), oldest first. */
  incidents(): Incident[] {
    return [...this.open.values()]
      .sort((a, b) => a.since - b.since)
      .map(({ notifyAt: _notifyAt, ...i }) => ({ ...i }));
  }

  /** Opens incidents whose hold passed, closes settled ones, and delivers what is due. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    for (const i of [...this.open.values()]) {
      if (i.clearedAt !== undefined) {
        if (now >= i.clearedAt + this.opts.settleMs) {
          this.open.delete(i.key);
          if (i.notified && this.opts.notifyResolved) this.enqueue(i, 'resolved', now);
        }
      } else if (!i.notified && now >= i.notifyAt) {
        i.notified = true;
        this.enqueue(i, 'opened', now);
      }
    }
    await this.deliver(now);
  }

  /** Calls `tick()` whenever something is due, until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.tick();
      const next = this.nextDueAt();
      if (next !== undefined && next <= this.clock.now()) continue;
      await this.sleeper.sleep(next === undefined ? 3600_000 : next - this.clock.now(), signal);
    }
  }

  private raise(key: string, r: Raise): void {
    const now = this.clock.now();
    const current = this.open.get(key);
    if (current) {
      // Still the same incident: refresh its words, cancel a pending close.
      current.title = r.title;
      current.message = r.message;
      delete current.clearedAt;
      return;
    }
    this.open.set(key, {
      key,
      id: `${key}@${isoAt(now)}`,
      kind: r.kind,
      severity: r.severity,
      title: r.title,
      message: r.message,
      since: now,
      notified: false,
      notifyAt: now + r.holdMs,
      ...(r.destination === undefined ? {} : { destination: r.destination }),
      ...(r.weddingId === undefined ? {} : { weddingId: r.weddingId }),
    });
    this.sleeper.wake();
  }

  private clear(key: string): void {
    const current = this.open.get(key);
    if (!current) return;
    // Never told: nothing to take back.
    if (!current.notified) {
      this.open.delete(key);
      return;
    }
    if (current.clearedAt === undefined) {
      current.clearedAt = this.clock.now();
      this.sleeper.wake();
    }
  }

  private enqueue(i: Tracked, phase: Notification['phase'], now: number): void {
    const event: Notification = {
      incident: i.id,
      kind: i.kind,
      phase,
      severity: phase === 'resolved' ? 'info' : i.severity,
      title: i.title,
      message: phase === 'resolved' ? resolvedMessage(i, now) : i.message,
      at: now,
      ...(i.destination === undefined ? {} : { destination: i.destination }),
      ...(i.weddingId === undefined ? {} : { weddingId: i.weddingId }),
    };
    for (const notifier of this.notifiers)
      this.outbox.push({ event, notifier, attempts: 0, nextAt: now, sending: false });
  }

  private async deliver(now: number): Promise<void> {
    const due = this.outbox.filter((d) => !d.sending && d.nextAt <= now);
    await Promise.all(
      due.map(async (d) => {
        d.sending = true;
        d.attempts += 1;
        try {
          await d.notifier.notify(d.event);
          this.drop(d);
        } catch (err) {
          this.opts.onError?.(err, d.notifier.name, d.event);
          if (d.attempts >= this.opts.maxAttempts) this.drop(d);
          else {
            d.nextAt = this.clock.now() + this.opts.retryMs * 2 ** (d.attempts - 1);
            this.sleeper.wake();
          }
        } finally {
          d.sending = false;
        }
      }),
    );
  }

  private drop(d: Delivery): void {
    const at = this.outbox.indexOf(d);
    if (at >= 0) this.outbox.splice(at, 1);
  }

  private nextDueAt(): number | undefined {
    const times: number[] = [];
    for (const i of this.open.values()) {
      if (i.clearedAt !== undefined) times.push(i.clearedAt + this.opts.settleMs);
      else if (!i.notified) times.push(i.notifyAt);
    }
    for (const d of this.outbox) if (!d.sending) times.push(d.nextAt);
    return times.length ? Math.min(...times) : undefined;
  }
}

function resolvedMessage(i: Incident, now: number): string {
  const minutes = Math.max(1, Math.round(((i.clearedAt ?? now) - i.since) / 60_000));
  const lasted = minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
  switch (i.kind) {
    case 'destination-down':
      return `"${i.destination}" is working again (it was down for about ${lasted}). Waiting backups are being sent.`;
    case 'below-target':
      return 'Every file of this wedding now has its target number of copies.';
    case 'verify-failed':
      return `The last verification of "${i.destination}" found every copy intact.`;
  }
}
