import type { Placement } from '../../../shared/model/policy.js';
import type { Db } from './db.js';

/** A recorded placement row: one destination an object must be on, and why. */
export interface PlacementRow {
  destination: string;
  policy: string;
  reason: string;
  decidedAt: number;
}

/**
 * Where placement wants each object, with its reasons (schema 5), and the objects whose policy
 * cannot be met now. Only the current decision is kept here; changes go to the audit trail.
 */
export class Placements {
  constructor(private readonly db: Db) {}

  /** The recorded targets of one object, by destination name. */
  of(hash: string): PlacementRow[] {
    return this.db
      .prepare(
        `SELECT destination, policy, reason, decided_at AS decidedAt FROM placements WHERE hash = ? ORDER BY destination`,
      )
      .all(hash) as PlacementRow[];
  }

  /** The recorded shortfall of one object, or null when its placement meets its policy. */
  shortfall(hash: string): string | null {
    const row = this.db.prepare(`SELECT shortfall FROM placement_shortfalls WHERE hash = ?`).get(hash) as
      { shortfall: string } | undefined;
    return row?.shortfall ?? null;
  }

  /**
   * Records a decision; returns the destinations added and dropped since the last one (empty when
   * nothing changed, so re-deciding the same thing writes only the time).
   */
  record(
    hash: string,
    policy: string,
    placement: Placement,
    now: number,
  ): { added: string[]; dropped: string[]; first: boolean } {
    return this.db.transaction(() => {
      const before = new Set(this.of(hash).map((r) => r.destination));
      const after = new Set(placement.targets.map((t) => t.destination));
      const upsert = this.db.prepare(
        `INSERT INTO placements (hash, destination, policy, reason, decided_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (hash, destination) DO UPDATE SET policy = excluded.policy, reason = excluded.reason,
           decided_at = excluded.decided_at`,
      );
      for (const t of placement.targets) upsert.run(hash, t.destination, policy, t.reason, now);
      const drop = this.db.prepare(`DELETE FROM placements WHERE hash = ? AND destination = ?`);
      const dropped = [...before].filter((d) => !after.has(d));
      for (const d of dropped) drop.run(hash, d);
      if (placement.satisfied) this.db.prepare(`DELETE FROM placement_shortfalls WHERE hash = ?`).run(hash);
      else
        this.db
          .prepare(
            `INSERT INTO placement_shortfalls (hash, policy, shortfall, decided_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (hash) DO UPDATE SET policy = excluded.policy, shortfall = excluded.shortfall,
               decided_at = excluded.decided_at`,
          )
          .run(hash, policy, placement.shortfall ?? 'the policy cannot be met', now);
      return { added: [...after].filter((d) => !before.has(d)), dropped, first: before.size === 0 };
    })();
  }

  /** One shortfall among a wedding's live files (null: the unassigned ones), or null when none has one. */
  shortfallOf(weddingId: number | null): string | null {
    const row = this.db
      .prepare(
        `SELECT s.shortfall FROM placement_shortfalls s JOIN files f ON f.hash = s.hash
         WHERE f.wedding_id IS ? AND f.state IN ('pending', 'failed', 'protected') ORDER BY s.decided_at DESC LIMIT 1`,
      )
      .get(weddingId) as { shortfall: string } | undefined;
    return row?.shortfall ?? null;
  }

  /** How many objects each destination is a target of. */
  countsByDestination(): Record<string, number> {
    const rows = this.db
      .prepare(`SELECT destination, count(*) AS n FROM placements GROUP BY destination`)
      .all() as { destination: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.destination, r.n]));
  }
}
