import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalesced } from './coalesced.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A task that takes `ms` (of fake time) and records when each run started. */
function slowTask(ms: number) {
  const starts: number[] = [];
  const task = async () => {
    starts.push(performance.now());
    await new Promise((r) => setTimeout(r, ms));
  };
  return { starts, task };
}

describe('coalesced runs', () => {
  it('takes a burst of changes in one run, after the delay', async () => {
    const { starts, task } = slowTask(10);
    const c = new Coalesced(task, { delayMs: 100, busyShare: 0.5 });
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) c.signal();
    await vi.advanceTimersByTimeAsync(1000);
    expect(starts.map((s) => s - t0)).toEqual([100]);
  });

  it('runs exactly once more for changes made during a run, so the last change is never missed', async () => {
    const { starts, task } = slowTask(50);
    const c = new Coalesced(task, { delayMs: 10, busyShare: 0.5 });
    const t0 = performance.now();
    c.signal();
    await vi.advanceTimersByTimeAsync(30); // the run started at 10 and lasts until 60
    c.signal();
    c.signal();
    await vi.advanceTimersByTimeAsync(1000);
    // The second run waits as long as the first took (busy share 0.5): 60 + 50.
    expect(starts.map((s) => s - t0)).toEqual([10, 110]);
  });

  it('spaces a slow task so it takes at most its share of the time', async () => {
    const { starts, task } = slowTask(1000);
    const c = new Coalesced(task, { delayMs: 100, busyShare: 0.2 });
    const t0 = performance.now();
    c.signal();
    await vi.advanceTimersByTimeAsync(1200); // first run: 100 to 1100
    c.signal();
    await vi.advanceTimersByTimeAsync(10_000);
    // After a run of 1 s at a 20 % share, the next starts 4 s later.
    expect(starts.map((s) => s - t0)).toEqual([100, 1200 + 4000]);
  });

  it('runs nothing after close, and survives a failing task', async () => {
    let runs = 0;
    const c = new Coalesced(
      async () => {
        runs++;
        throw new Error('engine replaced');
      },
      { delayMs: 10, busyShare: 0.5 },
    );
    c.signal();
    await vi.advanceTimersByTimeAsync(20);
    c.signal();
    await vi.advanceTimersByTimeAsync(20);
    expect(runs).toBe(2);
    c.signal();
    c.close();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
  });
});
