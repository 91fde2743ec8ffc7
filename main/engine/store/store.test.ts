import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion, StoreError } from './db.js';
import { claimSql } from './queue.js';
import { Store } from './store.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'keepsake-store-'));

describe('database', () => {
  it('creates the schema in WAL mode and reopens without migrating again', () => {
    const path = join(tmp(), 'k.db');
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
    db.close();
    const again = openDatabase(path);
    expect(again.pragma('user_version', { simple: true })).toBe(schemaVersion);
    again.close();
  });

  it('refuses a database from a newer Keepsake and leaves it untouched', () => {
    const path = join(tmp(), 'k.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE future (x)');
    raw.pragma(`user_version = ${schemaVersion + 5}`);
    raw.close();
    expect(() => openDatabase(path)).toThrowError(/newer version of Keepsake.*left untouched/);
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(schemaVersion + 5);
    expect(check.prepare(`SELECT name FROM sqlite_master WHERE name = 'files'`).get()).toBeUndefined();
    check.close();
  });

  it('reports a damaged database file clearly', () => {
    const path = join(tmp(), 'k.db');
    writeFileSync(path, 'this is not sqlite at all, just text that someone saved over it'.repeat(100));
    const err = (() => {
      try {
        openDatabase(path);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/damaged.*backups are not affected/s);
  });
});

describe('job queue', () => {
  const open = () => Store.open(join(tmp(), 'k.db'));

  it('claims by priority, then age, with a lease', () => {
    const s = open();
    s.queue.enqueue('upload', 'old', 1000);
    s.queue.enqueue('upload', 'critical', 2000, { priority: 10 });
    s.queue.enqueue('upload', 'later', 1000, { runAfter: 9000 });
    const jobs = s.queue.claim('w1', 3000, 60_000, 10);
    expect(jobs.map((j) => j.subject)).toEqual(['critical', 'old']);
    expect(s.queue.claim('w2', 3000, 60_000, 10)).toEqual([]);
    // An expired lease (a crashed worker) makes the job claimable again.
    expect(s.queue.claim('w2', 70_000, 60_000, 10).map((j) => j.subject)).toEqual([
      'critical',
      'old',
      'later',
    ]);
  });

  it('claims in the order of an index, without sorting the whole queue (100,000 queued files)', () => {
    const s = open();
    s.tx(() => {
      for (let i = 0; i < 100_000; i++) s.queue.enqueue('upload', String(i), i, { priority: i % 3 });
    });
    // The real claim statement (with and without a kind filter), planned on a queue of that size,
    // without statistics (as Keepsake runs) and with them (after an ANALYZE): the index order, no sort.
    for (const analyzed of [false, true]) {
      if (analyzed) s.db.exec('ANALYZE');
      for (const [sql, params] of [
        [claimSql(), ['w', 1, 1, 1, 4]],
        [claimSql(1), ['w', 1, 1, 1, 'upload', 4]],
      ] as const) {
        const plan = (s.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
          .map((p) => p.detail)
          .join('; ');
        expect(plan, `analyzed: ${analyzed}`).toMatch(/USING (COVERING )?INDEX jobs_next/);
        expect(plan, `analyzed: ${analyzed}`).not.toMatch(/TEMP B-TREE/);
      }
    }
    const claimed = s.queue.claim('w', 200_000, 1000, 4);
    expect(claimed.map((j) => j.priority)).toEqual([2, 2, 2, 2]);
    expect(claimed.map((j) => j.subject)).toEqual(['2', '5', '8', '11']);
  });

  it('runs a job again when it was enqueued while running', () => {
    const s = open();
    s.queue.enqueue('upload', 'f', 0);
    const [job] = s.queue.claim('w', 0, 1000, 1);
    s.queue.enqueue('upload', 'f', 10);
    s.queue.complete(job!.id, 20);
    expect(s.queue.claim('w', 20, 1000, 1).map((j) => j.subject)).toEqual(['f']);
  });

  it('keeps failures with their error and retry time, and releases leases at start-up', () => {
    const s = open();
    s.queue.enqueue('upload', 'f', 0);
    const [job] = s.queue.claim('w', 0, 1000, 1);
    s.queue.fail(job!.id, 'vault: the disk is full', 5000, 0);
    expect(s.queue.claim('w', 4999, 1000, 1)).toEqual([]);
    const [again] = s.queue.claim('w', 5000, 1000, 1);
    expect(again!.attempts).toBe(1);
    expect(again!.lastError).toMatch(/disk is full/);
    expect(s.queue.releaseAll(5001)).toBe(1);
    expect(s.queue.claim('w2', 5001, 1000, 1)).toHaveLength(1);
  });
});
