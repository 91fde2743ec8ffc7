// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { ApiFailure, notServed, pathOf, unauthorized } from './api.js';
import { formatBytes, formatDuration, percent, snapshotMoment } from './format.js';
import { defaultRestoreTarget, exactPattern, isInside, parentOf } from './paths.js';
import { href, parseHash } from './router.js';
import { count, foldersOf, isSelected, toggle } from './selection.js';
import { Throughput } from './throughput.js';

describe('API paths and errors', () => {
  it('fills route parameters, each encoded as one segment', () => {
    expect(pathOf('GET /api/weddings/:id', [3])).toBe('/api/weddings/3');
    expect(pathOf('GET /api/weddings/:id/versions/:path', [3, 'RAW/IMG 1#.CR3'])).toBe(
      '/api/weddings/3/versions/RAW%2FIMG%201%23.CR3',
    );
    expect(() => pathOf('GET /api/weddings/:id', [])).toThrow('missing parameter');
  });
  it('tells a route the engine does not serve from other failures', () => {
    expect(notServed(new ApiFailure(404, 'no route GET /api/cost'))).toBe(true);
    expect(notServed(new ApiFailure(404, 'no such wedding'))).toBe(false);
    expect(unauthorized(new ApiFailure(401, 'missing or wrong secret'))).toBe(true);
  });
});

describe('formatting', () => {
  it('sizes, shares and durations as people read them', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1_234_567)).toBe('1.23 MB');
    expect(formatBytes(45_600_000_000)).toBe('45.6 GB');
    expect(percent(999, 1000)).toBe(99);
    expect(percent(1000, 1000)).toBe(100);
    expect(percent(0, 0)).toBe(100);
    expect(formatDuration(30)).toBe('less than a minute');
    expect(formatDuration(3 * 3600 + 600)).toBe('3 h 10 min');
    expect(snapshotMoment('not-an-id')).toBe('not-an-id');
    // A snapshot id ends in the device that wrote it; the moment is the same as without.
    expect(snapshotMoment('2026-06-14T18-00-00.000Z_5d0c3f0e-7a55')).toBe(
      snapshotMoment('2026-06-14T18-00-00.000Z'),
    );
    expect(snapshotMoment('2026-06-14T18-00-00.000Z')).not.toContain('T18');
  });
});

describe('paths', () => {
  it('restores beside the watched folder, never inside it', () => {
    const target = defaultRestoreTarget(
      '/home/ann/Weddings/2026-06-14 Smith',
      ['/home/ann/Weddings'],
      '2026-06-14-smith',
    );
    expect(target).toBe('/home/ann/Restored from Keepsake/2026-06-14-smith');
    expect(isInside(target, '/home/ann/Weddings')).toBe(false);
    expect(isInside('/home/ann/Weddings/x', '/home/ann/Weddings/')).toBe(true);
    expect(isInside('/home/ann/Weddings2', '/home/ann/Weddings')).toBe(false);
    expect(parentOf('C:\\Photos\\Weddings')).toBe('C:\\Photos');
  });
  it('escapes glob characters so a file name matches only itself', () => {
    expect(exactPattern('RAW/IMG[1] (2).CR3')).toBe('RAW/IMG\\[1\\] \\(2\\).CR3');
    expect(exactPattern('a/*.jpg')).toBe('a/\\*.jpg');
  });
});

describe('hash routes', () => {
  it('parses and builds them; unknown ones are the overview', () => {
    expect(parseHash('#/restore/3/2026-06-15T10-22-31.123Z')).toEqual({
      screen: 'restore',
      args: ['3', '2026-06-15T10-22-31.123Z'],
    });
    expect(parseHash('#/nope')).toEqual({ screen: 'overview', args: [] });
    expect(parseHash(href('wedding', 'a b'))).toEqual({ screen: 'wedding', args: ['a b'] });
  });
});

describe('selection', () => {
  const e = (path: string, size = 10) => ({
    path,
    sha256: 'a'.repeat(64),
    size,
    object: '',
    mtime: '',
    captureTime: null,
  });
  it('keeps files per snapshot and drops empty snapshots', () => {
    let s = toggle(new Map(), 'S1', [e('A/1.jpg'), e('A/2.jpg', 5)], true);
    s = toggle(s, 'S2', [e('A/1.jpg')], true);
    expect(count(s)).toEqual({ files: 3, bytes: 25, snapshots: 2 });
    s = toggle(s, 'S2', [e('A/1.jpg')], false);
    expect(count(s).snapshots).toBe(1);
    expect(isSelected(s, 'S1', 'A/2.jpg')).toBe(true);
    expect(foldersOf([e('b/x'), e('top'), e('a/y')]).map(([f]) => f)).toEqual(['', 'a', 'b']);
  });
});

describe('throughput', () => {
  it('measures bytes leaving the queue per second and the time left', () => {
    const t = new Throughput(60_000);
    t.pending(10_000_000, 0);
    expect(t.bytesPerSecond()).toBeNull();
    t.pending(8_000_000, 2_000);
    // New files arriving do not count as negative speed.
    t.pending(12_000_000, 3_000);
    t.pending(10_000_000, 4_000);
    expect(t.bytesPerSecond()).toBe(1_000_000);
    expect(t.eta(10_000_000)).toBe(10);
    expect(t.eta(0)).toBe(0);
  });
});
