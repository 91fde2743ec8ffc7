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
  private readonly cache = new Map<number | null, { at: number; policy: EffectivePolicy }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policies: Policies,
    /** The photographer's offset from UTC in minutes at a time: "today" is their calendar day. */
    private readonly utcOffsetMinutes: (ms: number) => number,
  ) {}

  of(weddingId: number | null): EffectivePolicy {
    const now = this.clock.now();
    const hit = this.cache.get(weddingId);
    // A file that came in since makes the wedding critical today: looked up by index, so still cheap.
    const fresh =
      hit &&
      now - hit.at < CACHE_MS &&
      now >= hit.at &&
      (hit.policy.name === 'critical' || !this.store.files.firstSeenSince(weddingId, hit.at));
    if (fresh) return hit.policy;
    const policy = this.resolve(weddingId, now);
    this.cache.set(weddingId, { at: now, policy });
    return policy;
  }

  /** Forgets cached policies (a wedding's settings changed). */
  invalidate(weddingId?: number | null): void {
    if (weddingId === undefined) this.cache.clear();
    else this.cache.delete(weddingId);
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
