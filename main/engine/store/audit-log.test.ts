import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/model/audit.js';
import { ManualClock } from '../clock.js';
import { Store } from './store.js';
import { AuditLog } from './audit-log.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-audit-'));
  dirs.push(dir);
  const path = join(dir, 'keepsake.db');
  const store = Store.open(path);
  stores.push(store);
  const clock = new ManualClock(Date.parse('2026-06-14T12:00:00Z'));
  return { path, store, clock, audit: new AuditLog(store.db, clock) };
}

/** A small trail: two weddings, two destinations, several kinds, one minute apart. */
function fill(audit: AuditLog, clock: ManualClock): AuditEvent[] {
  const events: AuditEvent[] = [];
  const add = (e: Parameters<AuditLog['record']>[0]) => {
    events.push(audit.record(e));
    clock.advance(60_000);
  };
  add({ kind: 'backup', weddingId: 1, destination: 'nas', subject: 'IMG_0001.CR3', detail: { bytes: 10 } });
  add({ kind: 'backup', weddingId: 1, destination: 'cloud', subject: 'IMG_0001.CR3', detail: { bytes: 10 } });
  add({
    kind: 'destination-state',
    destination: 'cloud',
    subject: 'down',
    detail: { reason: 'bad credentials' },
  });
  add({ kind: 'verify', weddingId: 2, destination: 'nas', subject: 'scrub', detail: { checked: 5, ok: 5 } });
  add({ kind: 'restore', weddingId: 2, destination: 'nas', subject: 'to /restore/smith', detail: {} });
  add({ kind: 'deletion', weddingId: 1, subject: 'wedding 1 removed from index' });
  return events;
}

describe('AuditLog', () => {
  it('records events with the clock time and reads them back, newest first', () => {
    const { audit, clock } = open();
    const start = clock.now();
    const events = fill(audit, clock);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[0]).toEqual({
      id: 1,
      at: start,
      kind: 'backup',
      weddingId: 1,
      destination: 'nas',
      subject: 'IMG_0001.CR3',
      detail: { bytes: 10 },
    });
    const all = audit.query({ limit: 100 });
    expect(all).toEqual([...events].reverse());
    expect(audit.query({ limit: 2, order: 'asc' })).toEqual(events.slice(0, 2));
    expect(audit.query({ limit: 1 })[0]?.kind).toBe('deletion');
  });

  it('filters by wedding, destination, kinds and time window', () => {
    const { audit, clock } = open();
    const start = clock.now();
    const events = fill(audit, clock);
    const ids = (q: Parameters<AuditLog['query']>[0]) =>
      audit
        .query({ ...q, order: 'asc' })
        .map((e) => e.id)
        .join(',');
    expect(ids({ weddingId: 1, limit: 50 })).toBe('1,2,6');
    expect(ids({ destination: 'cloud', limit: 50 })).toBe('2,3');
    expect(ids({ kinds: ['verify', 'restore'], limit: 50 })).toBe('4,5');
    expect(ids({ kinds: [], limit: 50 })).toBe('');
    // since inclusive, until exclusive
    expect(ids({ since: start + 60_000, until: start + 180_000, limit: 50 })).toBe('2,3');
    expect(ids({ weddingId: 2, destination: 'nas', kinds: ['restore'], limit: 50 })).toBe('5');
    expect(ids({ destination: 'nas', limit: 2 })).toBe('1,4');
    expect(audit.query({ destination: 'nas', limit: 2 }).map((e) => e.id)).toEqual([5, 4]);
    expect(events).toHaveLength(6);
    expect(() => audit.query({ limit: 0 })).toThrow(RangeError);
  });

  it('refuses unknown kinds and empty subjects', () => {
    const { audit } = open();
    expect(() => audit.record({ kind: 'tamper' as 'backup', subject: 'x' })).toThrow(
      /unknown audit event kind/,
    );
    expect(() => audit.record({ kind: 'backup', subject: '' })).toThrow(/subject/);
    expect(audit.query({ limit: 10 })).toEqual([]);
  });

  it('is append-only in the database itself: UPDATE and DELETE are refused by triggers', () => {
    const { audit, clock, store } = open();
    fill(audit, clock);
    expect(() => store.db.prepare(`UPDATE audit_events SET subject = 'forged' WHERE id = 1`).run()).toThrow(
      /append-only/,
    );
    expect(() => store.db.prepare(`DELETE FROM audit_events WHERE id = 2`).run()).toThrow(/append-only/);
    expect(() => store.db.prepare(`DELETE FROM audit_events`).run()).toThrow(/append-only/);
    expect(() =>
      store.db
        .prepare(`INSERT INTO audit_events (at, kind, subject, detail) VALUES (1, 'backup', 'x', 'not json')`)
        .run(),
    ).toThrow();
    expect(audit.query({ limit: 100 })).toHaveLength(6);
    expect(audit.query({ limit: 1, order: 'asc' })[0]?.subject).toBe('IMG_0001.CR3');
    // The class offers no way to change history.
    const methods = Object.getOwnPropertyNames(AuditLog.prototype).filter((m) => m !== 'constructor');
    expect(methods.sort()).toEqual(['export', 'query', 'record']);
  });

  it('keeps the trail across reopening the store, and ids are never reused', () => {
    const { audit, clock, path } = open();
    fill(audit, clock);
    stores.pop()?.close();
    const again = Store.open(path);
    stores.push(again);
    const log = new AuditLog(again.db, clock);
    expect(log.query({ limit: 100 })).toHaveLength(6);
    expect(log.record({ kind: 'failover', destination: 'nas', subject: 'cloud → nas' }).id).toBe(7);
  });

  it('a wedding deleted from the index keeps its audit events', () => {
    const { audit, store, clock } = open();
    const w = store.weddings.create(
      { slugBase: 'smith', couple: 'Smith', date: null, source: 'user' },
      clock.now(),
    );
    audit.record({ kind: 'backup', weddingId: w.id, subject: 'a.jpg' });
    store.db.prepare('DELETE FROM weddings WHERE id = ?').run(w.id);
    expect(audit.query({ weddingId: w.id, limit: 10 })).toHaveLength(1);
  });

  it('exports JSON lines, oldest first, with filters', () => {
    const { audit, clock } = open();
    const events = fill(audit, clock);
    const lines = [...audit.export('jsonl')];
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
    expect(lines.map((l) => JSON.parse(l) as AuditEvent)).toEqual(events);
    const nas = [...audit.export('jsonl', { destination: 'nas' })].map(
      (l) => (JSON.parse(l) as AuditEvent).id,
    );
    expect(nas).toEqual([1, 4, 5]);
  });

  it('exports CSV with quoting and spreadsheet-formula defusing', () => {
    const { audit, clock } = open();
    audit.record({
      kind: 'backup',
      weddingId: 3,
      destination: 'nas',
      subject: 'Smith, "Jo"\nday 1.jpg',
      detail: { a: 1 },
    });
    audit.record({ kind: 'backup', destination: '=HYPERLINK("x")', subject: '-dash.jpg' });
    const csv = [...audit.export('csv')].join('');
    const iso = new Date(clock.now()).toISOString();
    expect(csv).toBe(
      'id,at,kind,wedding_id,destination,subject,detail\r\n' +
        `1,${iso},backup,3,nas,"Smith, ""Jo""\nday 1.jpg","{""a"":1}"\r\n` +
        `2,${iso},backup,,"'=HYPERLINK(""x"")",'-dash.jpg,{}\r\n`,
    );
  });

  it('exports a trail longer than one page, and keeps working while events are added mid-export', () => {
    const { audit, clock } = open();
    for (let i = 0; i < 1203; i++) {
      audit.record({ kind: 'backup', destination: i % 2 ? 'nas' : 'cloud', subject: `f${i}.jpg` });
      clock.advance(1);
    }
    const out: number[] = [];
    for (const line of audit.export('jsonl', { destination: 'nas' })) {
      out.push((JSON.parse(line) as AuditEvent).id);
      // The database is not held busy between pages: writing in the middle of an export works.
      if (out.length === 10) audit.record({ kind: 'verify', destination: 'nas', subject: 'during export' });
    }
    expect(out).toHaveLength(602);
    expect(out).toEqual([...out].sort((a, b) => a - b));
    expect(new Set(out).size).toBe(out.length);
  });
});
