import type { EffectivePolicy } from '../../../shared/model/policy.js';
import type { Clock } from '../clock.js';
import { localDayNumber } from '../policy/dates.js';
import { resolvePolicy } from '../policy/resolve.js';
import type { Policies } from '../policy/schema.js';
import type { Store } from '../store/store.js';

const DAY_MS = 86_400_000;
/** How long a wedding's resolved policy is reused: the inputs change by the day, not by the file. */
const CACHE_MS = 60_000;

/**
 * The protection policy of each wedding now (critical, standard, archive; see policy/resolve.ts),
 * from its date, the photographer's settings and whether files came in today. `null` stands for
 * the unassigned files: undated, so critical only on the day they come in.
 */
export class WeddingPolicies {
  private readonly cache = new Map<
    number | null,
    { at: number; settings: string; policy: EffectivePolicy }
  >();
  /** The priority each wedding's waiting uploads were last given (kept across `invalidate`). */
  private readonly priorities = new Map<number | null, number>();
  /** The photographer's calendar day of the last look: a new day re-decides every waiting wedding. */
  private day: number | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policies: Policies,
    /** The photographer's offset from UTC in minutes at a time: "today" is their calendar day. */
    private readonly utcOffsetMinutes: (ms: number) => number,
  ) {}

  /**
   * The wedding's policy now. When it changes the priority of the wedding's work (a new day, files
   * ingested today, its settings changed), the uploads waiting in the queue get the new priority.
   */
  of(weddingId: number | null): EffectivePolicy {
    const now = this.clock.now();
    this.onNewDay(now);
    const hit = this.cache.get(weddingId);
    // Settings are read every time (one row by key): another process (the CLI, the API) may change them.
    const settings = this.settingsKey(weddingId);
    // A file that came in since makes the wedding critical today: looked up by index, so still cheap.
    const fresh =
      hit &&
      hit.settings === settings &&
      now - hit.at < CACHE_MS &&
      now >= hit.at &&
      (hit.policy.name === 'critical' || !this.store.files.firstSeenSince(weddingId, hit.at));
    if (fresh) return hit.policy;
    return this.decide(weddingId, now, settings);
  }

  /** Forgets cached policies (a wedding's settings changed). */
  invalidate(weddingId?: number | null): void {
    if (weddingId === undefined) this.cache.clear();
    else this.cache.delete(weddingId);
  }

  private decide(weddingId: number | null, now: number, settings: string): EffectivePolicy {
    const policy = this.resolve(weddingId, now);
    this.cache.set(weddingId, { at: now, settings, policy });
    const before = this.priorities.get(weddingId);
    if (before !== undefined && before !== policy.priority)
      this.store.queue.setQueuedUploadPriority(weddingId, policy.priority);
    this.priorities.set(weddingId, policy.priority);
    return policy;
  }

  /**
   * On the first look and whenever the photographer's day changes, decides again the policy of every
   * wedding with waiting uploads and gives those uploads its priority: a job keeps the priority of
   * the day it was queued (yesterday's import was critical then), which must not put it before this
   * week's wedding today.
   */
  private onNewDay(now: number): void {
    const day = localDayNumber(now, this.utcOffsetMinutes(now));
    if (day === this.day) return;
    this.day = day;
    this.cache.clear();
    for (const weddingId of this.store.queue.weddingsWithQueuedUploads()) {
      const policy = this.decide(weddingId, now, this.settingsKey(weddingId));
      this.store.queue.setQueuedUploadPriority(weddingId, policy.priority);
    }
  }

  private settingsKey(weddingId: number | null): string {
    return weddingId === null ? '' : JSON.stringify(this.store.weddings.settings(weddingId));
  }

  private resolve(weddingId: number | null, now: number): EffectivePolicy {
    const offset = this.utcOffsetMinutes(now);
    const dayStart = localDayNumber(now, offset) * DAY_MS - offset * 60_000;
    const ingestedToday = this.store.files.firstSeenSince(weddingId, dayStart);
    if (weddingId === null)
      return resolvePolicy(
        { date: null, delivered: false, residency: null, ingestedToday },
        this.policies,
        now,
        { utcOffsetMinutes: offset },
      );
    const wedding = this.store.weddings.byId(weddingId);
    const settings = this.store.weddings.settings(weddingId);
    return resolvePolicy(
      {
        date: wedding?.date ?? null,
        delivered: settings.delivered,
        residency: settings.residency,
        override: settings.override,
        ingestedToday,
      },
      this.policies,
      now,
      { utcOffsetMinutes: offset },
    );
  }
}
