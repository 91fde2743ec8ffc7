import { afterEach, describe, expect, it } from 'vitest';
import { localUtcOffsetMinutes } from './clock.js';

const savedTz = process.env.TZ;
const june = Date.parse('2026-06-15T12:00:00Z');
const january = Date.parse('2026-01-15T12:00:00Z');

describe('localUtcOffsetMinutes', () => {
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('gives minutes ahead of UTC in the system time zone, daylight saving included', () => {
    process.env.TZ = 'Europe/Paris';
    expect(localUtcOffsetMinutes(june)).toBe(120);
    expect(localUtcOffsetMinutes(january)).toBe(60);
    process.env.TZ = 'America/New_York';
    expect(localUtcOffsetMinutes(june)).toBe(-240);
    expect(localUtcOffsetMinutes(january)).toBe(-300);
    process.env.TZ = 'Asia/Kolkata';
    expect(localUtcOffsetMinutes(june)).toBe(330);
  });

  it('gives 0, not -0, in UTC', () => {
    process.env.TZ = 'UTC';
    expect(localUtcOffsetMinutes(june)).toBe(0);
  });
});
