import { describe, expect, it } from 'vitest';
import { defaultPolicies, policiesSchema, policyOverrideSchema } from './schema.js';

describe('policiesSchema', () => {
  it('gives the built-in policies for an empty or missing section', () => {
    expect(policiesSchema.parse(undefined)).toEqual(defaultPolicies);
    expect(defaultPolicies).toEqual({
      critical: {
        daysBefore: 7,
        daysAfter: 3,
        copies: 2,
        distinctProviders: 2,
        offLaptopCopies: 2,
        coldCopies: 0,
        warmCopies: 2,
      },
      standard: { copies: 2, distinctProviders: 2, offLaptopCopies: 0, coldCopies: 0, warmCopies: 1 },
      archive: {
        afterDays: 365,
        copies: 2,
        distinctProviders: 2,
        offLaptopCopies: 0,
        coldCopies: 1,
        warmCopies: 1,
      },
    });
  });

  it('keeps the defaults of keys left out', () => {
    const p = policiesSchema.parse({ critical: { daysBefore: 5 }, archive: { afterDays: 180, copies: 3 } });
    expect(p.critical).toMatchObject({ daysBefore: 5, daysAfter: 3, copies: 2 });
    expect(p.archive).toMatchObject({ afterDays: 180, copies: 3, coldCopies: 1, warmCopies: 1 });
    expect(p.standard).toEqual(defaultPolicies.standard);
  });

  const bad: [label: string, input: unknown, path: string, message: RegExp][] = [
    [
      'providers above copies',
      { standard: { copies: 1 } },
      'standard.distinctProviders',
      /more than copies \(1\)/,
    ],
    [
      'off the laptop above copies',
      { critical: { copies: 2, offLaptopCopies: 3 } },
      'critical.offLaptopCopies',
      /more/,
    ],
    [
      'cold + warm above copies',
      { archive: { coldCopies: 2 } },
      'archive.warmCopies',
      /coldCopies \+ warmCopies/,
    ],
    ['no copies', { standard: { copies: 0 } }, 'standard.copies', /too small/i],
    ['fractional days', { critical: { daysBefore: 1.5 } }, 'critical.daysBefore', /expected int/],
    ['archive at age 0', { archive: { afterDays: 0 } }, 'archive.afterDays', /too small/i],
  ];
  it.each(bad)('rejects %s with the key and the reason', (_label, input, path, message) => {
    const r = policiesSchema.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find((i) => i.path.join('.') === path);
    expect(issue?.message).toMatch(message);
  });
});

describe('policyOverrideSchema', () => {
  it('accepts a policy and numbers, and nothing else', () => {
    expect(policyOverrideSchema.parse({ policy: 'archive', copies: 3 })).toEqual({
      policy: 'archive',
      copies: 3,
    });
    expect(policyOverrideSchema.safeParse({ policy: 'gold' }).success).toBe(false);
    expect(policyOverrideSchema.safeParse({ copies: 0 }).success).toBe(false);
    expect(policyOverrideSchema.safeParse({ residency: 'EU' }).success).toBe(false);
  });
});
