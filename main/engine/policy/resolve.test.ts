import { describe, expect, it } from 'vitest';
import type { WeddingProtectionFacts } from '../../../shared/model/policy.js';
import { resolvePolicy } from './resolve.js';
import { defaultPolicies, policiesSchema } from './schema.js';
import { PRIORITY } from './priority.js';

// Sunday 2026-06-14, noon UTC. Policy code never reads the time: every case passes this in.
const NOW = Date.parse('2026-06-14T12:00:00Z');

const wedding = (w: Partial<WeddingProtectionFacts>): WeddingProtectionFacts => ({
  date: null,
  delivered: false,
  residency: null,
  ingestedToday: false,
  ...w,
});

describe('resolvePolicy: which policy a wedding falls under', () => {
  const cases: [label: string, w: Partial<WeddingProtectionFacts>, name: string, priority: number][] = [
    ['wedding today', { date: '2026-06-14' }, 'critical', PRIORITY.critical],
    ['7 days ahead: last day of the window', { date: '2026-06-21' }, 'critical', PRIORITY.critical],
    ['8 days ahead: not yet', { date: '2026-06-22' }, 'standard', PRIORITY.standardUpcoming],
    ['3 days ago: last day after', { date: '2026-06-11' }, 'critical', PRIORITY.critical],
    ['4 days ago: over', { date: '2026-06-10' }, 'standard', PRIORITY.standardRecent],
    ['ingested today, old wedding', { date: '2024-01-01', ingestedToday: true }, 'critical', 1000],
    ['ingested today, no date', { ingestedToday: true }, 'critical', PRIORITY.critical],
    ['no date', {}, 'standard', PRIORITY.standardUndated],
    ['impossible date', { date: '2026-02-30' }, 'standard', PRIORITY.standardUndated],
    ['not a date', { date: 'June 14' }, 'standard', PRIORITY.standardUndated],
    ['delivered', { date: '2026-05-01', delivered: true }, 'archive', PRIORITY.archive],
    ['delivered, date unknown', { delivered: true }, 'archive', PRIORITY.archive],
    [
      'delivered but inside the window: critical wins',
      { date: '2026-06-13', delivered: true },
      'critical',
      1000,
    ],
    ['exactly 365 days ago', { date: '2025-06-14' }, 'archive', PRIORITY.archive],
    ['364 days ago', { date: '2025-06-15' }, 'standard', PRIORITY.standardOld],
    ['across a leap day: 2024-06-14 is 730 days ago', { date: '2024-06-14' }, 'archive', PRIORITY.archive],
    ['5 weeks ago', { date: '2026-05-10' }, 'standard', PRIORITY.standardRecent - 5],
  ];
  it.each(cases)('%s', (_label, w, name, priority) => {
    const p = resolvePolicy(wedding(w), defaultPolicies, NOW);
    expect(p.name).toBe(name);
    expect(p.priority).toBe(priority);
    expect(p.why.startsWith(`${name}: `)).toBe(true);
    expect(Object.keys(p).sort()).toEqual([
      'coldCopies',
      'copies',
      'distinctProviders',
      'name',
      'offLaptopCopies',
      'priority',
      'residency',
      'warmCopies',
      'why',
    ]);
  });

  it('is decided by the calendar day, whatever the hour', () => {
    const w = wedding({ date: '2026-06-21' });
    expect(resolvePolicy(w, defaultPolicies, Date.parse('2026-06-14T00:00:00.000Z')).name).toBe('critical');
    expect(resolvePolicy(w, defaultPolicies, Date.parse('2026-06-14T23:59:59.999Z')).name).toBe('critical');
    expect(resolvePolicy(w, defaultPolicies, Date.parse('2026-06-13T23:59:59.999Z')).name).toBe('standard');
  });

  it("uses the photographer's calendar day when given their UTC offset", () => {
    // 23:30 UTC on the 14th is already the 15th in Berlin (UTC+2): 2026-06-22 is then 7 days ahead.
    const late = Date.parse('2026-06-14T23:30:00Z');
    const w = wedding({ date: '2026-06-22' });
    expect(resolvePolicy(w, defaultPolicies, late).name).toBe('standard');
    expect(resolvePolicy(w, defaultPolicies, late, { utcOffsetMinutes: 120 }).name).toBe('critical');
    // 02:00 UTC on the 15th is still the 14th in New York (UTC-4).
    const early = Date.parse('2026-06-15T02:00:00Z');
    const past = wedding({ date: '2026-06-11' });
    expect(resolvePolicy(past, defaultPolicies, early).name).toBe('standard');
    expect(resolvePolicy(past, defaultPolicies, early, { utcOffsetMinutes: -240 }).name).toBe('critical');
  });

  it('follows configured windows and archive age', () => {
    const policies = policiesSchema.parse({
      critical: { daysBefore: 1, daysAfter: 0 },
      archive: { afterDays: 30 },
    });
    const at = (date: string) => resolvePolicy(wedding({ date }), policies, NOW).name;
    expect(at('2026-06-15')).toBe('critical');
    expect(at('2026-06-16')).toBe('standard');
    expect(at('2026-06-13')).toBe('standard');
    expect(at('2026-05-16')).toBe('standard'); // 29 days ago
    expect(at('2026-05-15')).toBe('archive'); // 30 days ago
  });
});

describe('resolvePolicy: requirements', () => {
  it('gives each policy its default numbers', () => {
    const pick = (w: Partial<WeddingProtectionFacts>) => {
      const { name, copies, distinctProviders, offLaptopCopies, coldCopies, warmCopies } = resolvePolicy(
        wedding(w),
        defaultPolicies,
        NOW,
      );
      return { name, copies, distinctProviders, offLaptopCopies, coldCopies, warmCopies };
    };
    expect(pick({ date: '2026-06-15' })).toEqual({
      name: 'critical',
      copies: 2,
      distinctProviders: 2,
      offLaptopCopies: 2,
      coldCopies: 0,
      warmCopies: 2,
    });
    expect(pick({ date: '2026-04-01' })).toEqual({
      name: 'standard',
      copies: 2,
      distinctProviders: 2,
      offLaptopCopies: 0,
      coldCopies: 0,
      warmCopies: 1,
    });
    expect(pick({ delivered: true })).toEqual({
      name: 'archive',
      copies: 2,
      distinctProviders: 2,
      offLaptopCopies: 0,
      coldCopies: 1,
      warmCopies: 1,
    });
  });

  it('explains itself', () => {
    expect(resolvePolicy(wedding({ date: '2026-06-17' }), defaultPolicies, NOW).why).toBe(
      'critical: the wedding is in 3 days (2026-06-17); needs 2 copies on 2 different providers, ' +
        '2 off the laptop, 2 warm, before other work',
    );
    expect(
      resolvePolicy(wedding({ date: '2026-06-14', ingestedToday: true }), defaultPolicies, NOW).why,
    ).toMatch(/^critical: the wedding is today \(2026-06-14\) and files were ingested today;/);
    expect(resolvePolicy(wedding({ date: '2025-01-01' }), defaultPolicies, NOW).why).toMatch(
      /^archive: the wedding was 529 days ago \(2025-01-01\): archived after 365 days; needs 2 copies on 2 different providers, 1 cold, 1 warm$/,
    );
    expect(resolvePolicy(wedding({ date: '2026-02-30' }), defaultPolicies, NOW).why).toContain(
      'the wedding date "2026-02-30" is not a valid YYYY-MM-DD date',
    );
    expect(resolvePolicy(wedding({}), defaultPolicies, NOW).why).toMatch(
      /^standard: the wedding date is unknown;/,
    );
  });

  const overrides: [label: string, w: Partial<WeddingProtectionFacts>, expected: Record<string, unknown>][] =
    [
      [
        'archive asked inside the window',
        { date: '2026-06-15', override: { policy: 'archive' } },
        { name: 'archive', priority: PRIORITY.archive, coldCopies: 1, warmCopies: 1 },
      ],
      [
        'critical asked for an old wedding',
        { date: '2020-01-01', override: { policy: 'critical' } },
        { name: 'critical', priority: PRIORITY.critical, offLaptopCopies: 2 },
      ],
      [
        'one copy only: the parts shrink to fit',
        { date: '2026-04-01', override: { copies: 1 } },
        { name: 'standard', copies: 1, distinctProviders: 1, offLaptopCopies: 0, warmCopies: 1 },
      ],
      [
        'one copy of an archive: the cold one stays, no warm',
        { delivered: true, override: { copies: 1 } },
        { name: 'archive', copies: 1, distinctProviders: 1, coldCopies: 1, warmCopies: 0 },
      ],
      [
        'three copies',
        { date: '2026-04-01', override: { copies: 3 } },
        { copies: 3, distinctProviders: 2, warmCopies: 1 },
      ],
      [
        'three providers raise the copies',
        { date: '2026-04-01', override: { distinctProviders: 3 } },
        { copies: 3, distinctProviders: 3 },
      ],
      [
        'explicit parts win over copies',
        { date: '2026-04-01', override: { copies: 1, offLaptopCopies: 2 } },
        { copies: 2, offLaptopCopies: 2, distinctProviders: 1 },
      ],
      [
        'two cold copies on an archive',
        { delivered: true, override: { coldCopies: 2 } },
        { copies: 3, coldCopies: 2, warmCopies: 1 },
      ],
    ];
  it.each(overrides)('override: %s', (_label, w, expected) => {
    expect(resolvePolicy(wedding(w), defaultPolicies, NOW)).toMatchObject(expected);
  });

  it('says when the policy was set for the wedding', () => {
    const set = resolvePolicy(
      wedding({ date: '2026-06-15', override: { policy: 'archive' } }),
      defaultPolicies,
      NOW,
    );
    expect(set.why).toMatch(
      /^archive: set for this wedding \(by its dates it would be critical: the wedding is tomorrow/,
    );
    const same = resolvePolicy(
      wedding({ date: '2026-06-15', override: { policy: 'critical' } }),
      defaultPolicies,
      NOW,
    );
    expect(same.why).toMatch(
      /^critical: the wedding is tomorrow \(2026-06-15\) \(also set for this wedding\)/,
    );
    const numbers = resolvePolicy(
      wedding({ date: '2026-04-01', override: { copies: 3 } }),
      defaultPolicies,
      NOW,
    );
    expect(numbers.why).toContain('(for this wedding: copies 3)');
  });

  it('carries residency, normalised, into the policy and its reason', () => {
    const eu = resolvePolicy(wedding({ date: '2026-04-01', residency: ' eu ' }), defaultPolicies, NOW);
    expect(eu.residency).toBe('EU');
    expect(eu.why).toMatch(/; only on destinations tagged EU$/);
    expect(resolvePolicy(wedding({ residency: '' }), defaultPolicies, NOW).residency).toBeNull();
    expect(resolvePolicy(wedding({}), defaultPolicies, NOW).residency).toBeNull();
  });
});
