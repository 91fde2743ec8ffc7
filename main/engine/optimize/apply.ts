/**
 * Carries out an optimizer plan: each move's copies are changed to the new class on the server (no
 * bytes sent again), checked there, recorded in the index (so status and the cost report price them
 * in their new class) and in the audit trail. A copy the server does not confirm stays recorded in
 * its old class.
 */
import pLimit from 'p-limit';
import type { AppliedMove, OptimizationPlan } from '../../../shared/model/optimize.js';

export type { AppliedMove };
import type { Clock } from '../clock.js';
import { DestinationError } from '../destinations/errors.js';
import { changeObjectClass } from '../repo/objects.js';
import type { Repository } from '../repo/repository.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Store } from '../store/store.js';

export interface ApplyDeps {
  store: Store;
  repos: readonly Repository[];
  audit: AuditLog;
  clock: Clock;
  /** The configured class of a destination (copies with no recorded class are in it). */
  configuredClass(destination: string): string;
}

/** Class changes sent at once to one destination. */
const PARALLEL = 8;

export async function applyPlan(
  plan: OptimizationPlan,
  deps: ApplyDeps,
  onProgress?: (done: number, total: number) => void,
): Promise<AppliedMove[]> {
  const work = plan.weddings.flatMap((w) =>
    w.weddingId === null ? [] : w.moves.map((m) => ({ w, m, weddingId: w.weddingId! })),
  );
  const jobs = work.map(({ w, m, weddingId }) => {
    const all = deps.store.objects.exclusiveCopies(weddingId, m.destination);
    const copies = all.filter((c) => (c.storageClass ?? deps.configuredClass(m.destination)) === m.from);
    return { w, m, weddingId, copies, shared: m.objects - all.length };
  });
  const total = jobs.reduce((n, j) => n + j.copies.length, 0);
  let done = 0;
  const out: AppliedMove[] = [];
  for (const { w, m, weddingId, copies, shared } of jobs) {
    const repo = deps.repos.find((r) => r.name === m.destination);
    const result: AppliedMove = {
      wedding: w.label,
      destination: m.destination,
      from: m.from,
      to: m.to,
      moved: 0,
      failed: 0,
      reason: repo ? null : `${m.destination} is not configured any more`,
      shared: Math.max(0, shared),
    };
    if (repo) {
      const limit = pLimit(PARALLEL);
      await Promise.all(
        copies.map((c) =>
          limit(async () => {
            try {
              await changeObjectClass(repo, c.hash, m.to);
              deps.store.objects.setReplicaClass(c.hash, m.destination, m.to, deps.clock.now());
              result.moved++;
            } catch (err) {
              result.failed++;
              result.reason ??= err instanceof DestinationError ? err.message : String(err);
            }
            onProgress?.(++done, total);
          }),
        ),
      );
    } else result.failed = copies.length;
    deps.audit.record({
      kind: 'storage-class',
      weddingId,
      destination: m.destination,
      subject: `${m.from} to ${m.to}`,
      detail: {
        from: m.from,
        to: m.to,
        moved: result.moved,
        failed: result.failed,
        monthlySaving: m.monthlySaving,
        ...(result.reason ? { reason: result.reason } : {}),
      },
    });
    out.push(result);
  }
  return out;
}
