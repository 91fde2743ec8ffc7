import type {
  EffectivePolicy,
  PolicyName,
  PolicyOverride,
  ProtectionRule,
  WeddingProtectionFacts,
} from '../../../shared/model/policy.js';
import { dayNumber, localDayNumber, relativeDays } from './dates.js';
import { priorityOf } from './priority.js';
import type { Policies } from './schema.js';

export interface ResolveOptions {
  /** The photographer's offset from UTC in minutes (e.g. 120 for CEST), so "today" is their calendar day. */
  utcOffsetMinutes?: number;
}

const RULE_KEYS = ['copies', 'distinctProviders', 'offLaptopCopies', 'coldCopies', 'warmCopies'] as const;

/**
 * The policy that applies to one wedding at `nowMs`: `critical` from `daysBefore` days before the
 * wedding day to `daysAfter` days after it, or when its files were ingested today; else `archive` when
 * delivered or at least `afterDays` old; else `standard`. A wedding's override wins over all of that.
 * Pure: the time is only `nowMs`.
 */
export function resolvePolicy(
  wedding: WeddingProtectionFacts,
  policies: Policies,
  nowMs: number,
  opts: ResolveOptions = {},
): EffectivePolicy {
  const today = localDayNumber(nowMs, opts.utcOffsetMinutes ?? 0);
  const day = wedding.date === null ? null : dayNumber(wedding.date);
  const daysUntil = day === null ? null : day - today;
  const auto = classify(wedding, daysUntil, policies);
  const override = wedding.override ?? {};
  const name = override.policy ?? auto.name;
  const { rule, changed } = applyOverride(policies[name], override);
  const residency = wedding.residency?.trim().toUpperCase() || null;

  let why =
    override.policy === undefined
      ? `${name}: ${auto.because}`
      : override.policy === auto.name
        ? `${name}: ${auto.because} (also set for this wedding)`
        : `${name}: set for this wedding (by its dates it would be ${auto.name}: ${auto.because})`;
  why += `; needs ${describeRule(rule)}`;
  if (changed.length > 0) why += ` (for this wedding: ${changed.join(', ')})`;
  if (name === 'critical') why += ', before other work';
  if (residency) why += `; only on destinations tagged ${residency}`;

  return { name, ...rule, residency, priority: priorityOf(name, daysUntil), why };
}

function classify(
  wedding: WeddingProtectionFacts,
  daysUntil: number | null,
  policies: Policies,
): { name: PolicyName; because: string } {
  const when =
    daysUntil === null
      ? wedding.date === null
        ? 'the wedding date is unknown'
        : `the wedding date "${wedding.date}" is not a valid YYYY-MM-DD date`
      : `the wedding ${daysUntil >= 0 ? 'is' : 'was'} ${relativeDays(daysUntil)} (${wedding.date})`;

  const { daysBefore, daysAfter } = policies.critical;
  const inWindow = daysUntil !== null && daysUntil <= daysBefore && daysUntil >= -daysAfter;
  if (inWindow || wedding.ingestedToday) {
    const because = [inWindow ? when : null, wedding.ingestedToday ? 'files were ingested today' : null];
    return { name: 'critical', because: because.filter((b) => b !== null).join(' and ') };
  }
  if (wedding.delivered) return { name: 'archive', because: 'the wedding was marked delivered' };
  const { afterDays } = policies.archive;
  if (daysUntil !== null && -daysUntil >= afterDays) {
    return { name: 'archive', because: `${when}: archived after ${afterDays} days` };
  }
  return { name: 'standard', because: when };
}

/**
 * The policy's rule with the wedding's own numbers. When the override sets `copies`, parts it does
 * not set shrink to fit; parts it sets raise `copies` if needed, so the rule stays consistent.
 */
function applyOverride(
  base: ProtectionRule,
  override: PolicyOverride,
): { rule: ProtectionRule; changed: string[] } {
  const rule: ProtectionRule = {
    copies: base.copies,
    distinctProviders: base.distinctProviders,
    offLaptopCopies: base.offLaptopCopies,
    coldCopies: base.coldCopies,
    warmCopies: base.warmCopies,
  };
  const changed: string[] = [];
  for (const key of RULE_KEYS) {
    const v = override[key];
    if (v !== undefined && v !== base[key]) changed.push(`${key} ${v}`);
    if (v !== undefined) rule[key] = v;
  }
  if (override.copies !== undefined) {
    if (override.distinctProviders === undefined)
      rule.distinctProviders = Math.min(rule.distinctProviders, rule.copies);
    if (override.offLaptopCopies === undefined)
      rule.offLaptopCopies = Math.min(rule.offLaptopCopies, rule.copies);
    if (override.coldCopies === undefined) rule.coldCopies = Math.min(rule.coldCopies, rule.copies);
    if (override.warmCopies === undefined)
      rule.warmCopies = Math.min(rule.warmCopies, Math.max(0, rule.copies - rule.coldCopies));
  }
  rule.distinctProviders = Math.max(1, rule.distinctProviders);
  rule.copies = Math.max(
    1,
    rule.copies,
    rule.distinctProviders,
    rule.offLaptopCopies,
    rule.coldCopies + rule.warmCopies,
  );
  return { rule, changed };
}

/** `2 copies on 2 different providers, 2 off the laptop, 2 warm` */
export function describeRule(rule: ProtectionRule): string {
  const parts = [`${rule.copies} ${rule.copies === 1 ? 'copy' : 'copies'}`];
  if (rule.distinctProviders > 1) parts[0] += ` on ${rule.distinctProviders} different providers`;
  if (rule.offLaptopCopies > 0) parts.push(`${rule.offLaptopCopies} off the laptop`);
  if (rule.coldCopies > 0) parts.push(`${rule.coldCopies} cold`);
  if (rule.warmCopies > 0) parts.push(`${rule.warmCopies} warm`);
  return parts.join(', ');
}
