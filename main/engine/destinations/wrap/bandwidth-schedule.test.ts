import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { ConfigError, validateConfig } from '../../config/config-file.js';
import { BandwidthLimiter, bandwidthLimiterFor } from './bandwidth.js';
import { limitAt, type TransferLimits } from './bandwidth-schedule.js';
import { SteppingClock } from './testing/stepping-clock.js';

const paris = 120; // minutes ahead of UTC in June
/** The instant the wall clock reads `local` (e.g. '2026-06-15T09:00') at `offset` minutes ahead of UTC. */
const at = (local: string, offset = paris) => Date.parse(`${local}Z`) - offset * 60_000;
const MB = 1_000_000;

// 2026-06-15 is a Monday.
const officeHours: TransferLimits = {
  bandwidthLimit: null,
  bandwidthSchedule: [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00', limit: 2 * MB },
  ],
};

describe('limitAt', () => {
  it('without windows gives the base limit, which never changes', () => {
    const now = at('2026-06-15T10:00');
    expect(limitAt({ bandwidthLimit: 5000 }, now, paris)).toEqual({ limit: 5000, until: null });
    expect(limitAt({ bandwidthLimit: null, bandwidthSchedule: [] }, now, paris)).toEqual({
      limit: null,
      until: null,
    });
  });

  it('picks the window by weekday and local time, and says when it next changes', () => {
    const t = (local: string) => limitAt(officeHours, at(local), paris);
    expect(t('2026-06-15T08:59')).toEqual({ limit: null, until: at('2026-06-15T09:00') });
    expect(t('2026-06-15T09:00')).toEqual({ limit: 2 * MB, until: at('2026-06-15T18:00') });
    expect(t('2026-06-17T12:34')).toEqual({ limit: 2 * MB, until: at('2026-06-17T18:00') });
    // The end is not part of the window; Friday evening runs to Monday morning.
    expect(t('2026-06-19T18:00')).toEqual({ limit: null, until: at('2026-06-22T09:00') });
    expect(t('2026-06-20T10:00')).toEqual({ limit: null, until: at('2026-06-22T09:00') });
    expect(t('2026-06-21T23:59')).toEqual({ limit: null, until: at('2026-06-22T09:00') });
  });

  it('reads local time through the offset: 10:00 in Paris is 04:00 in New York', () => {
    const now = at('2026-06-15T10:00');
    expect(limitAt(officeHours, now, paris).limit).toBe(2 * MB);
    expect(limitAt(officeHours, now, -240)).toEqual({ limit: null, until: at('2026-06-15T09:00', -240) });
  });

  it('runs a window that crosses midnight into the next day, from the day it starts on', () => {
    const nights: TransferLimits = {
      bandwidthLimit: 1000,
      bandwidthSchedule: [{ days: ['fri'], from: '22:00', to: '06:00', limit: null }],
    };
    const t = (local: string) => limitAt(nights, at(local), paris);
    expect(t('2026-06-19T21:59')).toEqual({ limit: 1000, until: at('2026-06-19T22:00') });
    expect(t('2026-06-19T23:00')).toEqual({ limit: null, until: at('2026-06-20T06:00') });
    expect(t('2026-06-20T05:59')).toEqual({ limit: null, until: at('2026-06-20T06:00') });
    expect(t('2026-06-20T06:00')).toEqual({ limit: 1000, until: at('2026-06-26T22:00') });
    // Friday early morning belongs to Thursday night, which has no window.
    expect(t('2026-06-19T05:00')).toEqual({ limit: 1000, until: at('2026-06-19T22:00') });
  });

  it('wraps a Sunday night window into Monday, and every day when days are left out', () => {
    const sunday: TransferLimits = {
      bandwidthLimit: null,
      bandwidthSchedule: [{ days: ['sun'], from: '23:00', to: '01:00', limit: 700 }],
    };
    expect(limitAt(sunday, at('2026-06-22T00:30'), paris)).toEqual({
      limit: 700,
      until: at('2026-06-22T01:00'),
    });
    const daily: TransferLimits = {
      bandwidthLimit: null,
      bandwidthSchedule: [{ from: '23:00', to: '01:00', limit: 700 }],
    };
    expect(limitAt(daily, at('2026-06-17T00:30'), paris)).toEqual({
      limit: 700,
      until: at('2026-06-17T01:00'),
    });
    expect(limitAt(daily, at('2026-06-17T12:00'), paris)).toEqual({
      limit: null,
      until: at('2026-06-17T23:00'),
    });
  });

  it('lets the first matching window win and skips edges where the limit stays the same', () => {
    const layered: TransferLimits = {
      bandwidthLimit: 9000,
      bandwidthSchedule: [
        { days: ['mon'], from: '09:00', to: '18:00', limit: 1000 },
        { days: ['mon', 'tue'], from: '00:00', to: '24:00', limit: 5000 },
      ],
    };
    const t = (local: string) => limitAt(layered, at(local), paris);
    expect(t('2026-06-15T10:00')).toEqual({ limit: 1000, until: at('2026-06-15T18:00') });
    // Monday evening and all of Tuesday are 5000: the next change is Wednesday 00:00.
    expect(t('2026-06-15T20:00')).toEqual({ limit: 5000, until: at('2026-06-17T00:00') });
    expect(t('2026-06-17T00:00')).toEqual({ limit: 9000, until: at('2026-06-22T00:00') });
    const always: TransferLimits = {
      bandwidthLimit: 9000,
      bandwidthSchedule: [{ from: '00:00', to: '24:00', limit: 3000 }],
    };
    expect(limitAt(always, at('2026-06-17T00:00'), paris)).toEqual({ limit: 3000, until: null });
  });
});

describe('transfer.bandwidthSchedule in the config', () => {
  const config = (bandwidthSchedule: unknown) => ({
    version: 1,
    installId: 'abcdef12',
    transfer: { concurrency: 4, bandwidthLimit: null, bandwidthSchedule },
  });
  const problems = (bandwidthSchedule: unknown) => {
    try {
      validateConfig(config(bandwidthSchedule), 'config.json');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('the config was accepted');
  };

  it('accepts office hours and leaves the schedule out when absent', () => {
    const c = validateConfig(config(officeHours.bandwidthSchedule), 'config.json');
    expect(c.transfer.bandwidthSchedule).toEqual(officeHours.bandwidthSchedule);
    const whole = validateConfig(config([{ from: '00:00', to: '24:00', limit: null }]), 'config.json');
    expect(whole.transfer.bandwidthSchedule).toEqual([{ from: '00:00', to: '24:00', limit: null }]);
    expect(
      validateConfig({ version: 1, installId: 'abcdef12' }, 'config.json').transfer.bandwidthSchedule,
    ).toBe(undefined);
  });

  it('names the key and what was expected', () => {
    expect(problems([{ from: '9:00', to: '18:00', limit: 1 }])).toContain(
      'transfer.bandwidthSchedule.0.from: a time as HH:MM, 00:00 to 23:59',
    );
    expect(problems([{ from: '24:00', to: '06:00', limit: 1 }])).toContain(
      'transfer.bandwidthSchedule.0.from: a time as HH:MM, 00:00 to 23:59',
    );
    expect(problems([{ from: '09:00', to: '18:60', limit: 1 }])).toContain(
      'transfer.bandwidthSchedule.0.to: a time as HH:MM, 00:00 to 24:00',
    );
    expect(problems([{ days: ['mon'], from: '09:00', to: '09:00', limit: 1 }])).toContain(
      'transfer.bandwidthSchedule.0.to: "from" and "to" are the same time; a whole day is "00:00" to "24:00"',
    );
    expect(problems([{ days: [], from: '09:00', to: '18:00', limit: 1 }])).toContain(
      'transfer.bandwidthSchedule.0.days: at least one day; leave "days" out for every day',
    );
    expect(problems([{ days: ['monday'], from: '09:00', to: '18:00', limit: 1 }])).toContain(
      'transfer.bandwidthSchedule.0.days.0:',
    );
    expect(problems([{ from: '09:00', to: '18:00', limit: 0 }])).toContain(
      'transfer.bandwidthSchedule.0.limit:',
    );
    expect(problems([{ from: '09:00', to: '18:00' }])).toContain('transfer.bandwidthSchedule.0.limit:');
  });
});

describe('BandwidthLimiter following a schedule', () => {
  it('changes rate at the window edge: 4000 B/s before 09:00, 1000 B/s after, in clock time', async () => {
    const clock = new SteppingClock(at('2026-06-15T08:59:50'));
    const transfer: TransferLimits = {
      bandwidthLimit: 4000,
      bandwidthSchedule: [{ from: '09:00', to: '18:00', limit: 1000 }],
    };
    const limiter = new BandwidthLimiter(clock, null, {
      burstBytes: 1000,
      schedule: (now) => limitAt(transfer, now, paris),
    });
    const start = clock.now();
    const perSecond: number[] = Array.from({ length: 21 }, () => 0);
    const send = async () => {
      while (clock.now() - start < 20_000) {
        await limiter.take(1000);
        perSecond[Math.floor((clock.now() - start) / 1000)]! += 1000;
      }
    };
    await clock.run(send());
    expect(perSecond.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 4000));
    expect(perSecond.slice(10, 20)).toEqual(Array.from({ length: 10 }, () => 1000));
    expect(limiter.bytesPerSecond).toBe(1000);
  });

  it('releases a waiting upload at the first millisecond of an unlimited window, and paces again after it', async () => {
    // A quarter second off the whole second, so only the window edge itself can wake the upload on time.
    const clock = new SteppingClock(at('2026-06-15T08:59:00.250'));
    const transfer: TransferLimits = {
      bandwidthLimit: 10,
      bandwidthSchedule: [{ days: ['mon'], from: '09:00', to: '18:00', limit: null }],
    };
    const limiter = new BandwidthLimiter(clock, null, {
      burstBytes: 1000,
      schedule: (now) => limitAt(transfer, now, paris),
    });
    // At 10 B/s this would take more than a day, each piece of 1000 bytes 100 s; the window opens in 59.75 s.
    await clock.run(limiter.take(1_000_000));
    expect(clock.now()).toBe(at('2026-06-15T09:00'));
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(1000);
    const sleeps = clock.sleeps.length;
    await limiter.take(10 * MB);
    expect(clock.sleeps.length).toBe(sleeps);
    expect(clock.now()).toBe(at('2026-06-15T09:00'));

    clock.advance(at('2026-06-15T18:00') - clock.now());
    await clock.run(limiter.take(1000)); // spends what was earned before 09:00
    expect(limiter.bytesPerSecond).toBe(10);
    const evening = clock.now();
    await clock.run(limiter.take(1000));
    expect(clock.now() - evening).toBe(100_000);
  });
});

describe('bandwidthLimiterFor', () => {
  it('gives no limiter when nothing is limited', () => {
    const clock = new ManualClock();
    expect(bandwidthLimiterFor({ bandwidthLimit: null }, clock)).toBeUndefined();
    expect(bandwidthLimiterFor({ bandwidthLimit: null, bandwidthSchedule: [] }, clock)).toBeUndefined();
    const unlimitedWindow = {
      bandwidthLimit: null,
      bandwidthSchedule: [{ from: '09:00', to: '18:00', limit: null }],
    };
    expect(bandwidthLimiterFor(unlimitedWindow, clock)).toBeUndefined();
  });

  it('gives a fixed limiter for a plain limit', () => {
    expect(bandwidthLimiterFor({ bandwidthLimit: 5000 }, new ManualClock())?.bytesPerSecond).toBe(5000);
  });

  it('follows the schedule in the local time its offset function gives', async () => {
    const clock = new ManualClock(at('2026-06-15T10:00'));
    const asked: number[] = [];
    const limiter = bandwidthLimiterFor(officeHours, clock, (ms) => {
      asked.push(ms);
      return paris;
    });
    expect(limiter?.bytesPerSecond).toBe(2 * MB);
    clock.advance(at('2026-06-15T18:00') - clock.now());
    await limiter?.take(1);
    expect(limiter?.bytesPerSecond).toBeNull();
    expect(asked).toEqual([at('2026-06-15T10:00'), at('2026-06-15T18:00')]);
    // The same instant is 04:00 in New York: outside office hours.
    const ny = bandwidthLimiterFor(officeHours, new ManualClock(at('2026-06-15T10:00')), () => -240);
    expect(ny?.bytesPerSecond).toBeNull();
  });
});
