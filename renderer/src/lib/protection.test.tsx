// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import { byRisk, destinationBadge, overall, rule321 } from './protection.js';

const wedding = (over: Partial<WeddingStatus> = {}, id = 1, date = '2026-06-14'): WeddingStatus => ({
  wedding: { id, slug: `w${id}`, couple: `Couple ${id}`, date, source: 'folder', folders: [] },
  files: 10,
  bytes: 1000,
  protected: 10,
  pending: 0,
  failed: 0,
  skipped: 0,
  copies: { Vault: 10, Drive: 10 },
  ...over,
});
const dest = (name: string, over = {}) => ({ name, reachable: true, problem: null, enabled: true, ...over });

describe('destination badges', () => {
  it('is protected when the destination holds every file that needs a copy', () => {
    expect(destinationBadge(wedding({ skipped: 2, copies: { Vault: 8 } }), dest('Vault'))).toEqual({
      kind: 'protected',
    });
  });
  it('shows the share uploaded so far, never 100 % before the end', () => {
    const w = wedding({ protected: 3, pending: 7, copies: { Vault: 9, Drive: 3 } });
    expect(destinationBadge(w, dest('Vault'))).toEqual({ kind: 'uploading', percent: 90 });
    expect(
      destinationBadge(wedding({ protected: 0, pending: 10, copies: { Vault: 0 } }), dest('Vault')),
    ).toEqual({
      kind: 'uploading',
      percent: 0,
    });
  });
  it('says waiting with the reason when the destination is down (retried: not failed), failed when uploads failed', () => {
    const w = wedding({ protected: 0, pending: 10, copies: { Drive: 0 } });
    expect(destinationBadge(w, dest('Drive', { reachable: false, problem: 'drive unplugged' }))).toEqual({
      kind: 'waiting',
      reason: 'drive unplugged',
    });
    expect(
      destinationBadge(wedding({ protected: 8, failed: 2, copies: { Vault: 8 } }), dest('Vault')),
    ).toEqual({
      kind: 'failed',
      reason: '2 files could not be stored',
    });
  });
  it('never says Protected for copies on a destination that cannot be reached now (issue 15 item 1)', () => {
    const w = wedding({ protected: 0, pending: 0, copies: { Drive: 10 } });
    expect(destinationBadge(w, dest('Drive', { reachable: false, problem: 'drive unplugged' }))).toEqual({
      kind: 'unreachable',
      held: 10,
      of: 10,
      reason: 'drive unplugged',
    });
  });
  it('is not required by policy when the wedding is protected without it, or the policy names others', () => {
    expect(destinationBadge(wedding({ copies: { Vault: 10, Cloud: 0 } }), dest('Cloud'))).toEqual({
      kind: 'not-required',
    });
    const pending = wedding({ protected: 0, pending: 10, copies: { Vault: 0, Cloud: 0 } });
    expect(destinationBadge(pending, dest('Cloud'), ['Vault'])).toEqual({ kind: 'not-required' });
    expect(destinationBadge(pending, dest('Vault'), ['Vault']).kind).toBe('uploading');
  });
});

describe('3-2-1 in words', () => {
  const dests = [
    { name: 'Vault', kind: 'local' as const },
    { name: 'Drive', kind: 'local' as const },
    { name: 'B2', kind: 'b2' as const },
  ];
  it('counts the originals, complete copies, kinds of media and off-site copies', () => {
    const r = rule321(wedding({ copies: { Vault: 10, Drive: 10, B2: 10 } }), dests);
    expect(r).toMatchObject({ copies: 4, media: 2, offsite: 1, met: true });
    expect(r.words).toBe('4 copies, 2 kinds of media, 1 off-site');
  });
  it('says what is missing; an incomplete copy does not count', () => {
    const r = rule321(wedding({ copies: { Vault: 10, Drive: 10, B2: 9 } }), dests);
    expect(r.words).toBe('3 copies, 1 kind of media, none off-site');
    expect(r.met).toBe(false);
    expect(r.missing).toEqual(['a second kind of media (a cloud copy)', 'an off-site copy']);
  });
});

describe('risk', () => {
  it('puts failed weddings first, then unprotected ones, then the rest by date', () => {
    const ok = wedding({}, 1, '2026-07-01');
    const pending = wedding({ protected: 5, pending: 5 }, 2, '2026-05-01');
    const failed = wedding({ protected: 9, failed: 1 }, 3, '2026-01-01');
    const older = wedding({}, 4, '2025-01-01');
    expect(byRisk([older, ok, pending, failed]).map((w) => w.wedding?.id)).toEqual([3, 2, 1, 4]);
    expect(overall([ok, pending])).toMatchObject({ protected: 15, needed: 20, pending: 5 });
  });
});
