import { describe, expect, it } from 'vitest';
import {
  formatOffset,
  fromExif,
  fromIptc,
  fromQuickTimeSeconds,
  fromXmp,
  withOffsetFrom,
} from './exif-dates.js';

describe('fromExif', () => {
  it.each([
    ['2026:06:14 15:03:54', undefined, '2026-06-14T15:03:54'],
    ['2026:06:14 15:03:54', '+02:00', '2026-06-14T15:03:54+02:00'],
    ['2026:06:14 15:03:54', '-05:00', '2026-06-14T15:03:54-05:00'],
    ['2026:06:14 15:03:54', '   :  ', '2026-06-14T15:03:54'], // blank offset tag
    ['2026:06:14 15:03:54\0', undefined, '2026-06-14T15:03:54'],
    ['2026-06-14 15:03:54', undefined, '2026-06-14T15:03:54'],
    ['2026:06:14 15:03:54.123', undefined, '2026-06-14T15:03:54'],
    ['0000:00:00 00:00:00', undefined, null], // clock never set
    ['    :  :     :  :  ', undefined, null],
    ['2026:02:30 12:00:00', undefined, null],
    ['2026:06:14 24:00:00', undefined, null],
    ['2026:06:14', undefined, null],
    [20260614, undefined, null],
    [undefined, undefined, null],
  ])('%j with offset %j → %j', (value, offset, expected) => {
    expect(fromExif(value, offset)).toBe(expected);
  });
});

describe('fromXmp', () => {
  it.each([
    ['2005-06-09T20:09:27+02:00', '2005-06-09T20:09:27+02:00'],
    ['2005-06-09T20:09:27-0500', '2005-06-09T20:09:27-05:00'],
    ['2005-06-09T20:09:27Z', '2005-06-09T20:09:27+00:00'],
    ['2005-06-09T20:09:27.52+02:00', '2005-06-09T20:09:27+02:00'],
    ['2005-06-09T20:09:27', '2005-06-09T20:09:27'],
    ['2005-06-09T20:09+02:00', '2005-06-09T20:09:00+02:00'],
    ['2005-06-09', null],
    ['2005-06', null],
    ['2005-02-29T10:00:00', null],
    ['yesterday', null],
    [null, null],
  ])('%j → %j', (value, expected) => {
    expect(fromXmp(value)).toBe(expected);
  });
});

describe('fromIptc', () => {
  it.each([
    ['20061029', '062751-0500', '2006-10-29T06:27:51-05:00'],
    ['20061029', '062751+0130', '2006-10-29T06:27:51+01:30'],
    ['20061029', '06:27:51', '2006-10-29T06:27:51'],
    ['2006-10-29', '06:27:51+02:00', '2006-10-29T06:27:51+02:00'],
    ['20061029', undefined, null], // a date alone cannot place a photo around midnight
    ['20061329', '062751', null],
  ])('%j + %j → %j', (date, time, expected) => {
    expect(fromIptc(date, time)).toBe(expected);
  });
});

describe('formatOffset, fromQuickTimeSeconds, withOffsetFrom', () => {
  it('normalizes offsets and rejects nonsense', () => {
    expect(formatOffset('+0200')).toBe('+02:00');
    expect(formatOffset('Z')).toBe('+00:00');
    expect(formatOffset('+25:00')).toBeNull();
    expect(formatOffset('02:00')).toBeNull();
    expect(formatOffset(7200)).toBeNull();
  });

  it('gives QuickTime seconds since 1904 as stored, with no zone', () => {
    expect(fromQuickTimeSeconds(3_206_613_834)).toBe('2005-08-11T14:03:54');
    expect(fromQuickTimeSeconds(0)).toBeNull();
  });

  it('borrows an offset only for the same wall-clock time', () => {
    expect(withOffsetFrom('2005-08-03T18:59:18', '2005-08-03T18:59:18-04:00')).toBe(
      '2005-08-03T18:59:18-04:00',
    );
    expect(withOffsetFrom('2005-08-03T18:59:18', '2005-08-03T18:59:19-04:00')).toBe('2005-08-03T18:59:18');
    expect(withOffsetFrom('2005-08-03T18:59:18+02:00', '2005-08-03T18:59:18-04:00')).toBe(
      '2005-08-03T18:59:18+02:00',
    );
    expect(withOffsetFrom('2005-08-03T18:59:18', null)).toBe('2005-08-03T18:59:18');
    expect(withOffsetFrom(null, '2005-08-03T18:59:18-04:00')).toBeNull();
  });
});
