// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { toggle } from '../lib/selection.js';
import { restoreEta, restoreRequests } from './Restore.js';

const e = (path: string) => ({
  path,
  sha256: 'a'.repeat(64),
  size: 1,
  object: '',
  mtime: '',
  captureTime: null,
});

describe('restore requests', () => {
  it('makes one request per snapshot with exact, escaped paths and the options', () => {
    let s = toggle(new Map(), 'S1', [e('RAW/IMG[1].CR3'), e('JPEG/a.jpg')], true);
    s = toggle(s, 'S0', [e('JPEG/a.jpg')], true);
    const reqs = restoreRequests({ slug: '2026-06-14-smith' }, s, {
      target: '/r',
      overwrite: true,
      from: 'Drive',
    });
    expect(reqs).toEqual([
      {
        wedding: '2026-06-14-smith',
        snapshot: 'S1',
        include: ['RAW/IMG\\[1\\].CR3', 'JPEG/a.jpg'],
        target: '/r',
        overwrite: true,
        from: 'Drive',
      },
      {
        wedding: '2026-06-14-smith',
        snapshot: 'S0',
        include: ['JPEG/a.jpg'],
        target: '/r',
        overwrite: true,
        from: 'Drive',
      },
    ]);
  });

  it('restores a snapshot chosen whole without a path list, and passes a rehydration speed', () => {
    const s = toggle(new Map(), 'S1', [e('a'), e('b')], true);
    const [r] = restoreRequests(
      { slug: 'w' },
      s,
      { target: '/r', overwrite: false, from: '', rehydrate: 'bulk' },
      new Map([['S1', 2]]),
    );
    expect(r).toEqual({ wedding: 'w', snapshot: 'S1', target: '/r', rehydrate: { speed: 'bulk' } });
  });
});

describe('restore progress', () => {
  it('says files and bytes done and how long is left at the rate so far', () => {
    const p = { done: 10, total: 40, bytes: 250e6, totalBytes: 1000e6, startedAt: 0 };
    // 250 MB in 60 s: the other 750 MB take about 180 s more.
    expect(restoreEta(p, 60_000)).toMatch(/^10 of 40 files, .+ of .+, about 3 minutes left$/);
    expect(restoreEta({ ...p, bytes: 0, done: 0 }, 500)).toMatch(/^0 of 40 files, /);
    expect(restoreEta({ done: 0, total: 1, startedAt: 0 }, 10)).toBe('0 of 1 file');
  });
});
