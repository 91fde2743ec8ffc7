import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatDeadline, pauseDeadline, PauseController } from './pause.js';

const at = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi);

describe('pause deadlines', () => {
  it('one hour from now', () => {
    expect(pauseDeadline('hour', at(2026, 6, 14, 22, 30))).toEqual(at(2026, 6, 14, 23, 30));
  });

  it('until tomorrow: 06:00 the next day, or the coming 06:00 in the small hours', () => {
    expect(pauseDeadline('tomorrow', at(2026, 6, 14, 22, 30))).toEqual(at(2026, 6, 15, 6));
    expect(pauseDeadline('tomorrow', at(2026, 6, 14, 6, 0))).toEqual(at(2026, 6, 15, 6));
    expect(pauseDeadline('tomorrow', at(2026, 6, 14, 1, 15))).toEqual(at(2026, 6, 14, 6));
    expect(pauseDeadline('tomorrow', at(2026, 6, 30, 12))).toEqual(at(2026, 7, 1, 6));
    expect(pauseDeadline('tomorrow', at(2026, 12, 31, 23))).toEqual(at(2027, 1, 1, 6));
  });

  it('formats a deadline as a time, with the weekday when it is not today', () => {
    expect(formatDeadline(at(2026, 6, 14, 23, 5), at(2026, 6, 14, 22, 5))).toBe('23:05');
    expect(formatDeadline(at(2026, 6, 15, 6), at(2026, 6, 14, 22))).toBe('Mon 06:00');
  });
});

describe('PauseController', () => {
  let now = 0;
  const calls: boolean[] = [];
  let failNext = false;
  const deps = {
    setPaused: async (paused: boolean) => {
      if (failNext) {
        failNext = false;
        throw new Error('the engine is restarting');
      }
      calls.push(paused);
      return { paused };
    },
    now: () => now,
    onChange: vi.fn(),
    checkEveryMs: 1000,
  };
  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000_000;
    calls.length = 0;
    deps.onChange.mockClear();
  });
  afterEach(() => vi.useRealTimers());

  it('pauses, and resumes by itself once the wall-clock deadline has passed', async () => {
    const pause = new PauseController(deps);
    await pause.pause(now + 3_600_000);
    expect(pause.paused).toBe(true);
    expect(pause.until).toBe(now + 3_600_000);
    expect(calls).toEqual([true]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual([true]);
    // The laptop slept: the timers barely moved, the clock did.
    now += 3_600_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([true, false]);
    expect(pause.paused).toBe(false);
    expect(deps.onChange).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual([true, false]); // no more checks once resumed
  });

  it('resumes when asked, and stays as it was when the engine refuses', async () => {
    const pause = new PauseController(deps);
    failNext = true;
    await expect(pause.pause(now + 1000)).rejects.toThrow('restarting');
    expect(pause.paused).toBe(false);
    await pause.pause(now + 60_000);
    failNext = true;
    await expect(pause.resume()).rejects.toThrow('restarting');
    expect(pause.paused).toBe(true);
    await pause.resume();
    expect(pause.paused).toBe(false);
    expect(calls).toEqual([true, false]);
    pause.dispose();
  });

  it('pauses a restarted engine again while the pause holds, and resumes it once it is over', async () => {
    const pause = new PauseController(deps);
    await pause.reapply();
    expect(calls).toEqual([]);
    await pause.pause(now + 60_000);
    await pause.reapply();
    expect(calls).toEqual([true, true]);
    now += 60_000;
    await pause.reapply();
    expect(calls).toEqual([true, true, false]);
    expect(pause.paused).toBe(false);
  });
});
