import { describe, expect, it } from 'vitest';
import { assignWedding, type DatedWedding } from './assign.js';

const weddings: DatedWedding<string>[] = [
  { id: 'smith-jones', date: '2026-06-13' },
  { id: 'muller-schmidt', date: '2026-06-20' },
  { id: 'anna-ben', date: '2026-06-27' },
  { id: 'clara-dan', date: '2026-06-27' }, // same day as anna-ben: cannot decide
  { id: 'undated', date: null },
  { id: 'new-year', date: '2026-12-31' },
  { id: 'leap', date: '2028-02-29' },
];

describe('assignWedding', () => {
  const cases: [string | null, string | null][] = [
    // The wedding day itself, all day long.
    ['2026-06-13T06:00:00', 'smith-jones'],
    ['2026-06-13T14:30:12', 'smith-jones'],
    ['2026-06-13T23:59:59', 'smith-jones'],
    // Before 06:00 next morning: still the party.
    ['2026-06-14T00:00:00', 'smith-jones'],
    ['2026-06-14T02:15:00', 'smith-jones'],
    ['2026-06-14T05:59:59', 'smith-jones'],
    // 06:00 next morning and later: another day, no wedding.
    ['2026-06-14T06:00:00', null],
    ['2026-06-14T12:00:00', null],
    // Early on a wedding day with no wedding the day before: that day's wedding (getting ready).
    ['2026-06-20T05:30:00', 'muller-schmidt'],
    // Other days.
    ['2026-06-12T23:00:00', null],
    ['2026-06-15T01:00:00', null],
    // Two weddings on one date: listed as unassigned, also after midnight.
    ['2026-06-27T15:00:00', null],
    ['2026-06-28T01:00:00', null],
    // The offset is ignored: the wall-clock day is where the photo was taken.
    ['2026-06-13T20:00:00+02:00', 'smith-jones'],
    ['2026-06-14T03:00:00-05:00', 'smith-jones'],
    // Across month, year and leap day boundaries.
    ['2027-01-01T04:00:00', 'new-year'],
    ['2028-03-01T01:00:00', 'leap'],
    ['2028-02-29T10:00:00', 'leap'],
    // No capture time, or one that is not a capture time.
    [null, null],
    ['', null],
    ['2026:06:13 14:30:12', null],
    ['2026-06-13', null],
  ];
  it.each(cases)('%j → %j', (captureTime, expected) => {
    expect(assignWedding(captureTime, weddings)).toBe(expected);
  });

  it('prefers the previous night over the same morning, and never guesses between two', () => {
    const both: DatedWedding<number>[] = [
      { id: 1, date: '2026-06-13' },
      { id: 2, date: '2026-06-14' },
    ];
    expect(assignWedding('2026-06-14T03:00:00', both)).toBe(1);
    expect(assignWedding('2026-06-14T07:00:00', both)).toBe(2);
    const twoLastNight: DatedWedding<number>[] = [...both, { id: 3, date: '2026-06-13' }];
    expect(assignWedding('2026-06-14T03:00:00', twoLastNight)).toBeNull();
  });

  it('assigns nothing when there are no weddings', () => {
    expect(assignWedding('2026-06-13T14:00:00', [])).toBeNull();
  });
});
