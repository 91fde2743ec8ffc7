import { describe, expect, it } from 'vitest';
import { formatEta, PhotoProgress } from './photo-progress.js';

describe('the backup progress line', () => {
  it('counts photo bytes against what the scan found, never going back', () => {
    const p = new PhotoProgress();
    expect(p.update(0, 0)).toEqual({ done: 0, total: 0, etaSeconds: 0 }); // nothing known yet
    expect(p.update(375, 1000)).toMatchObject({ done: 0, total: 375, etaSeconds: null });
    expect(p.update(275, 2000)).toMatchObject({ done: 100, total: 375 });
    // New files found later add to the total; the bytes done never go back.
    expect(p.update(300, 3000)).toMatchObject({ done: 100, total: 400 });
    const end = p.update(0, 4000);
    expect(end).toEqual({ done: 400, total: 400, etaSeconds: 0 });
  });

  it('says the time left from the last seconds, and unknown while nothing moves', () => {
    const p = new PhotoProgress();
    p.update(1000, 0);
    expect(p.update(900, 1000).etaSeconds).toBe(9); // 100 B/s, 900 left
    let stalled = p.update(900, 12_000);
    for (let t = 13_000; t <= 24_000; t += 1000) stalled = p.update(900, t);
    expect(stalled.etaSeconds).toBeNull();
    expect(formatEta(null)).toBe('unknown');
    expect(formatEta(95)).toBe('2 min');
  });
});
