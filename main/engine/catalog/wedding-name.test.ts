import { describe, expect, it } from 'vitest';
import { parseWeddingFolder, slugify, type WeddingFolderName } from './wedding-name.js';

describe('parseWeddingFolder', () => {
  const cases: [string, WeddingFolderName | null][] = [
    ['2026-06-14 Smith & Jones', { date: '2026-06-14', couple: 'Smith & Jones' }],
    ['Smith-Jones 2026-06-14', { date: '2026-06-14', couple: 'Smith-Jones' }],
    ['2026_06_14_Smith_Jones', { date: '2026-06-14', couple: 'Smith Jones' }],
    ['20260614 Smith & Jones', { date: '2026-06-14', couple: 'Smith & Jones' }],
    ['2026-06-14 - Anna + Ben', { date: '2026-06-14', couple: 'Anna + Ben' }],
    ['14.06.2026 Müller & Schmidt', { date: '2026-06-14', couple: 'Müller & Schmidt' }],
    ['Smith & Jones (2026-06-14)', { date: '2026-06-14', couple: 'Smith & Jones' }],
    ['Smith & Jones', { date: null, couple: 'Smith & Jones' }],
    // Variants of the same conventions.
    ['2026.06.14 Smith & Jones', { date: '2026-06-14', couple: 'Smith & Jones' }],
    ['  2026-06-14   Smith   &  Jones  ', { date: '2026-06-14', couple: 'Smith & Jones' }],
    ['2026-06-14_Smith-Jones', { date: '2026-06-14', couple: 'Smith-Jones' }],
    ['2026-06-14 — Anna & Ben', { date: '2026-06-14', couple: 'Anna & Ben' }],
    ['Anna & Ben - 2026-06-14', { date: '2026-06-14', couple: 'Anna & Ben' }],
    ['Anna & Ben [2026-06-14]', { date: '2026-06-14', couple: 'Anna & Ben' }],
    ['Müller & Schmidt 14.06.2026', { date: '2026-06-14', couple: 'Müller & Schmidt' }],
    ['Smith_Jones_20260614', { date: '2026-06-14', couple: 'Smith Jones' }],
    ['2026-06-14 Smith', { date: '2026-06-14', couple: 'Smith' }],
    ['2024-02-29 Leap & Day', { date: '2024-02-29', couple: 'Leap & Day' }],
    ['2000-02-29 Leap & Century', { date: '2000-02-29', couple: 'Leap & Century' }],
    ['Anna and Ben', { date: null, couple: 'Anna and Ben' }],
    ['Anna und Ben', { date: null, couple: 'Anna und Ben' }],
    ['Anna+Ben', { date: null, couple: 'Anna+Ben' }],
    ['Mu\u0308ller & Schmidt', { date: null, couple: 'Müller & Schmidt' }], // NFD from macOS, NFC out
    // Impossible dates are rejected.
    ['2026-02-30 Smith & Jones', null],
    ['2026-02-29 Smith & Jones', null],
    ['1900-02-29 Smith & Jones', null],
    ['2026-13-01 Smith & Jones', null],
    ['2026-04-31 Smith & Jones', null],
    ['2026-06-00 Smith & Jones', null],
    ['31.04.2026 Smith & Jones', null],
    ['Smith & Jones (2026-02-30)', null],
    // Not a wedding folder: no couple.
    ['2026-06-14', null],
    ['20260614', null],
    ['RAW', null],
    ['Exports', null],
    ['', null],
    ['   ', null],
  ];
  it.each(cases)('%j', (name, expected) => {
    expect(parseWeddingFolder(name)).toEqual(expected);
  });

  it('does not read a longer number as a date', () => {
    expect(parseWeddingFolder('202606141 Smith & Jones')).toEqual({
      date: null,
      couple: '202606141 Smith & Jones',
    });
  });
});

describe('slugify', () => {
  const cases: [string | null, string, string][] = [
    ['2026-06-14', 'Smith & Jones', '2026-06-14-smith-jones'],
    ['2026-06-14', 'Smith-Jones', '2026-06-14-smith-jones'],
    ['2026-06-14', 'Müller & Schmidt', '2026-06-14-muller-schmidt'],
    ['2026-06-14', 'Mu\u0308ller & Schmidt', '2026-06-14-muller-schmidt'],
    ['2026-06-14', 'Anna + Ben', '2026-06-14-anna-ben'],
    ['2026-06-14', 'Zoë & Łukasz', '2026-06-14-zoe-lukasz'],
    ['2026-06-14', 'Straße & Søren', '2026-06-14-strasse-soren'],
    ['2026-06-14', 'François & Ægir', '2026-06-14-francois-aegir'],
    ['2026-06-14', "O'Brien & D'Souza", '2026-06-14-o-brien-d-souza'],
    ['2026-06-14', '  --Smith__Jones--  ', '2026-06-14-smith-jones'],
    [null, 'Smith & Jones', 'smith-jones'],
    ['2026-06-14', '李 & 王', '2026-06-14'],
    [null, '李 & 王', 'wedding'],
  ];
  it.each(cases)('%j + %j → %j', (date, couple, expected) => {
    const slug = slugify(date, couple);
    expect(slug).toBe(expected);
    expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
