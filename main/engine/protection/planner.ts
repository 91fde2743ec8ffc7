import type { DestinationFacts, EffectivePolicy, Placement } from '../../../shared/model/policy.js';
import type { Clock } from '../clock.js';
import type { AuditLog } from '../store/audit-log.js';
import { place } from '../placement/choose.js';
import { meets, needsOf } from '../placement/needs.js';
import { hasTag } from '../placement/strategies/residency.js';
import type { Store } from '../store/store.js';
import type { DestinationFactsSource } from './destination-facts.js';
import { underMode, type ProtectionMode } from './mode.js';
import type { WeddingPolicies } from './wedding-policy.js';

/** Where one file's content must go now, under which policy. */
export interface Plan {
  policy: EffectivePolicy;
  placement: Placement;
  /** Targets that do not hold a stored copy yet: where to send it. */
  send: string[];
}

/** Whether a file's stored copies meet its policy now, and if not, why. */
export type Coverage = { met: true } | { met: false; why: string };

/**
 * Decides, for each file, the policy it is held to and the destinations its content must be on
 * (placement/ strategies, fed with live health, room, regions and prices), records every decision
 * with its reasons, and writes a change of placement (a failover, a recovery) to the audit trail.
 */
export class Planner {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policies: WeddingPolicies,
    private readonly facts: DestinationFactsSource,
    private readonly mode: ProtectionMode,
    private readonly audit: AuditLog,
  ) {}

  /** The policy of a wedding's files under the configured mode. */
  policyOf(weddingId: number | null): EffectivePolicy {
    return this.policyFor(weddingId, this.facts.facts(new Set()));
  }

  /** Forgets a wedding's cached policy: its settings changed, so the next look decides it again. */
  forget(weddingId: number | null): void {
    this.policies.invalidate(weddingId);
  }

  /** The same, with the destinations' facts already at hand. */
  policyFor(weddingId: number | null, candidates: readonly DestinationFacts[]): EffectivePolicy {
    return underMode(this.policies.of(weddingId), this.mode, candidates).policy;
  }

  /** Places one file's content; `hash` null when it is not known yet (nothing holds it then). */
  plan(weddingId: number | null, hash: string | null, size: number): Plan {
    const holders = new Set(hash ? this.store.objects.storedAt(hash) : []);
    const candidates = this.facts.facts(holders);
    const { policy, everywhere } = underMode(this.policies.of(weddingId), this.mode, candidates);
    const placement = place({ size, policy }, candidates, { everywhere });
    if (hash) this.record(weddingId, hash, policy, placement);
    const send = placement.targets.map((t) => t.destination).filter((d) => !holders.has(d));
    return { policy, placement, send };
  }

  /**
   * Whether the stored copies of `hash` meet the file's policy now. Copies on a destination that is
   * down do not count (they cannot be read now; failover puts another copy elsewhere), nor copies
   * outside the wedding's region.
   */
  coverage(weddingId: number | null, hash: string): Coverage {
    const holders = new Set(this.store.objects.storedAt(hash));
    const candidates = this.facts.facts(holders);
    const policy = this.policyFor(weddingId, candidates);
    const counted = countedCopies(candidates, policy);
    if (meets(needsOf(policy), counted)) return { met: true };
    return {
      met: false,
      why:
        this.store.placements.shortfall(hash) ??
        `the ${policy.name} policy needs more copies than are usable now`,
    };
  }

  /** The stored copies that count for a policy among `candidates` (see `coverage`). */
  counted(candidates: readonly DestinationFacts[], policy: EffectivePolicy): DestinationFacts[] {
    return countedCopies(candidates, policy);
  }

  private record(
    weddingId: number | null,
    hash: string,
    policy: EffectivePolicy,
    placement: Placement,
  ): void {
    const change = this.store.placements.record(hash, policy.name, placement, this.clock.now());
    if (change.first || (change.added.length === 0 && change.dropped.length === 0)) return;
    this.audit.record({
      kind: 'placement',
      weddingId,
      subject: hash,
      detail: {
        policy: policy.name,
        added: change.added,
        dropped: change.dropped,
        reasons: Object.fromEntries(
          placement.targets
            .filter((t) => change.added.includes(t.destination))
            .map((t) => [t.destination, t.reason]),
        ),
      },
    });
  }
}

function countedCopies(candidates: readonly DestinationFacts[], policy: EffectivePolicy): DestinationFacts[] {
  return candidates.filter(
    (c) => c.alreadyHas && c.health !== 'down' && (!policy.residency || hasTag(c, policy.residency)),
  );
}
