import { z } from 'zod';
import type { ProtectionRule } from '../../../shared/model/policy.js';

const count = z.number().int().min(0).max(10);
const days = z.number().int().min(0).max(3650);

/** The copy requirement keys of one policy, with that policy's defaults. */
function ruleShape(d: ProtectionRule) {
  return {
    copies: count.min(1).default(d.copies),
    distinctProviders: count.min(1).default(d.distinctProviders),
    offLaptopCopies: count.default(d.offLaptopCopies),
    coldCopies: count.default(d.coldCopies),
    warmCopies: count.default(d.warmCopies),
  };
}

/** No part of a rule may need more copies than the rule has in all. */
function checkRule(r: ProtectionRule, ctx: z.RefinementCtx): void {
  const tooMany = (path: keyof ProtectionRule, what: string) =>
    ctx.addIssue({
      code: 'custom',
      path: [path],
      message: `${what} cannot be more than copies (${r.copies})`,
    });
  if (r.distinctProviders > r.copies) tooMany('distinctProviders', 'distinctProviders');
  if (r.offLaptopCopies > r.copies) tooMany('offLaptopCopies', 'offLaptopCopies');
  if (r.coldCopies + r.warmCopies > r.copies) tooMany('warmCopies', 'coldCopies + warmCopies');
}

/**
 * The `policies` section of the config: what each protection policy requires and when a wedding
 * falls under it. Every key has a default, so `{}` (or no section at all) gives the built-in policies.
 */
export const policiesSchema = z
  .object({
    /** Wedding-day critical: from `daysBefore` days before the wedding day to `daysAfter` days after. */
    critical: z
      .object({
        daysBefore: days.default(7),
        daysAfter: days.default(3),
        ...ruleShape({ copies: 2, distinctProviders: 2, offLaptopCopies: 2, coldCopies: 0, warmCopies: 2 }),
      })
      .superRefine(checkRule)
      .prefault({}),
    standard: z
      .object(
        ruleShape({ copies: 2, distinctProviders: 2, offLaptopCopies: 0, coldCopies: 0, warmCopies: 1 }),
      )
      .superRefine(checkRule)
      .prefault({}),
    /** Delivered weddings, and weddings whose day was at least `afterDays` days ago. */
    archive: z
      .object({
        afterDays: days.min(1).default(365),
        ...ruleShape({ copies: 2, distinctProviders: 2, offLaptopCopies: 0, coldCopies: 1, warmCopies: 1 }),
      })
      .superRefine(checkRule)
      .prefault({}),
  })
  .prefault({});

export type Policies = z.infer<typeof policiesSchema>;

/** The built-in policies: what an empty or missing `policies` section means. */
export const defaultPolicies: Policies = policiesSchema.parse({});

/** A wedding's own settings (PolicyOverride), for checking what the UI or the CLI stores. */
export const policyOverrideSchema = z
  .object({
    policy: z.enum(['critical', 'standard', 'archive']).optional(),
    copies: count.min(1).optional(),
    distinctProviders: count.min(1).optional(),
    offLaptopCopies: count.optional(),
    coldCopies: count.optional(),
    warmCopies: count.optional(),
  })
  .strict();
