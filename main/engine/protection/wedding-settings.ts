import { z } from 'zod';
import type { WeddingPolicy, WeddingPolicyChange } from '../../../shared/api/contract.js';
import type { PolicyOverride } from '../../../shared/model/policy.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { policyOverrideSchema } from '../policy/schema.js';
import type { Store } from '../store/store.js';
import type { WeddingSettings } from '../store/weddings.js';
import type { WeddingCoverage } from './coverage.js';
import type { Planner } from './planner.js';

/** What reading and changing a wedding's protection settings needs; the Engine has all of it. */
export interface WeddingSettingsDeps {
  store: Store;
  clock: Clock;
  planner: Planner;
  audit: AuditLog;
  config: Pick<Config, 'protection'>;
  coverage(weddings?: readonly (number | null)[]): Map<number | null, WeddingCoverage>;
  /** Tells the scheduler that work was queued. */
  wake(): void;
}

/** A wedding's policy report; `weddingId` null stands for the unassigned files. */
export type PolicyReport = Omit<WeddingPolicy, 'weddingId'> & { weddingId: number | null };

/** Region tags as destinations carry them (config/schema.ts). */
const TAG = /^[A-Za-z0-9-]{1,32}$/;

/** The shape of a change as the CLI and the API take it; the numbers are checked by policyOverrideSchema. */
const changeSchema = z
  .object({
    policy: z.enum(['critical', 'standard', 'archive', 'auto']).optional(),
    copies: z.number().nullable().optional(),
    delivered: z.boolean().optional(),
    residency: z
      .string()
      .trim()
      .regex(TAG, 'a region tag of letters, digits or dashes, like EU')
      .nullable()
      .optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, {
    message: 'nothing to change: give policy, copies, delivered or residency',
  });

/** The first problem of a refused change, as `field: what was expected`. */
function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  const path = (i?.path ?? []).join('.');
  const message = i?.message ?? 'not valid';
  return path ? `${path}: ${message}` : message;
}

/**
 * The settings a wedding has after `input` (a WeddingPolicyChange) is applied to `current`, or why the
 * change is refused: an unknown field, a policy that does not exist, a number out of range.
 */
export function applyChange(
  current: WeddingSettings,
  input: unknown,
): { ok: true; settings: WeddingSettings } | { ok: false; message: string } {
  const parsed = changeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: firstIssue(parsed.error) };
  const change: WeddingPolicyChange = parsed.data;
  const override: Record<string, unknown> = { ...(current.override ?? {}) };
  if (change.policy === 'auto') delete override.policy;
  else if (change.policy !== undefined) override.policy = change.policy;
  if (change.copies === null) delete override.copies;
  else if (change.copies !== undefined) override.copies = change.copies;
  const checked = policyOverrideSchema.safeParse(override);
  if (!checked.success) return { ok: false, message: firstIssue(checked.error) };
  const next: PolicyOverride = checked.data;
  return {
    ok: true,
    settings: {
      delivered: change.delivered ?? current.delivered,
      residency: change.residency === undefined ? current.residency : change.residency?.toUpperCase() || null,
      override: Object.keys(next).length === 0 ? null : next,
    },
  };
}

/**
 * A wedding's policy now (the mode applied), its settings, how many of its files are below target,
 * where a file of it goes now and why the policy cannot be met, if so. `coverage` may be computed
 * once for many weddings.
 */
export function policyReport(
  deps: WeddingSettingsDeps,
  weddingId: number | null,
  coverage: Map<number | null, WeddingCoverage> = deps.coverage([weddingId]),
): PolicyReport {
  const counts = deps.store.status.forWedding(weddingId);
  const live = counts.files - counts.skipped;
  // Where a new file of this wedding would go: no copy of it exists yet, so nothing is recorded.
  const plan = deps.planner.plan(weddingId, null, live > 0 ? Math.round(counts.bytes / counts.files) : 0);
  const c = coverage.get(weddingId);
  return {
    weddingId,
    policy: plan.policy,
    requiredDestinations: plan.placement.targets.map((t) => t.destination),
    settings:
      weddingId === null
        ? { delivered: false, residency: null, override: null }
        : deps.store.weddings.settings(weddingId),
    mode: deps.config.protection.copies,
    files: c?.files ?? live,
    belowTarget: c?.below ?? 0,
    shortfall: plan.placement.satisfied ? null : (plan.placement.shortfall ?? 'the policy cannot be met'),
  };
}

/**
 * Stores a wedding's new settings, decides its policy again and queues every live file of it for
 * placement (the scheduler is woken; another process's scheduler sees the jobs at its next look), so
 * its copies follow the new policy. The change is written to the audit trail.
 */
export function changeWeddingSettings(
  deps: WeddingSettingsDeps,
  weddingId: number,
  settings: WeddingSettings,
): PolicyReport & { requeued: number } {
  const before = deps.planner.policyOf(weddingId);
  const now = deps.clock.now();
  const requeued = deps.store.tx(() => {
    deps.store.weddings.setSettings(weddingId, settings);
    deps.planner.forget(weddingId);
    const priority = deps.planner.policyOf(weddingId).priority;
    let n = 0;
    for (const f of deps.store.files.ofWedding(weddingId)) {
      if (f.state !== 'pending' && f.state !== 'failed' && f.state !== 'protected') continue;
      deps.store.queue.enqueue('upload', String(f.id), now, { priority });
      n++;
    }
    return n;
  });
  const report = policyReport(deps, weddingId);
  deps.audit.record({
    kind: 'placement',
    weddingId,
    subject: `policy settings changed: now ${report.policy.name}`,
    detail: {
      before: before.name,
      after: report.policy.name,
      why: report.policy.why,
      settings: { ...deps.store.weddings.settings(weddingId) },
      requeued,
    },
  });
  deps.wake();
  return { ...report, requeued };
}
