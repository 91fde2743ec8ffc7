import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Store } from './store.js';

const dbFile = () => join(mkdtempSync(join(tmpdir(), 'keepsake-group-')), 'k.db');

/** The meta keys another connection (another process) sees committed. */
function committed(path: string): string[] {
  const other = new Database(path, { readonly: true });
  try {
    return (other.prepare(`SELECT key FROM meta ORDER BY key`).all() as { key: string }[]).map((r) => r.key);
  } finally {
    other.close();
  }
}

/** Counts the COMMITs a connection runs. */
function countCommits(store: Store): { n: number } {
  const count = { n: 0 };
  const exec = store.db.exec.bind(store.db);
  store.db.exec = ((sql: string) => {
    if (sql === 'COMMIT') count.n++;
    return exec(sql);
  }) as typeof store.db.exec;
  return count;
}

describe('group commit', () => {
  it('commits a burst of writes together once the window has passed, and not before', async () => {
    const path = dbFile();
    const store = Store.open(path, { windowMs: 40 });
    const commits = countCommits(store);
    for (let i = 0; i < 200; i++) store.meta.set(`k${String(i).padStart(3, '0')}`, 'v');
    store.tx(() => store.meta.set('in-tx', 'v'));
    expect(store.meta.get('k199')).toBe('v'); // this connection sees its own writes at once
    expect(committed(path)).toEqual([]);
    await sleep(120);
    expect(committed(path)).toHaveLength(201);
    expect(commits.n).toBe(1);
    store.close();
  });

  it('a transaction that fails inside the group undoes only itself', async () => {
    const path = dbFile();
    const store = Store.open(path, { windowMs: 20 });
    store.meta.set('before', 'v');
    expect(() =>
      store.tx(() => {
        store.meta.set('half', 'v');
        throw new Error('no');
      }),
    ).toThrow('no');
    store.meta.set('after', 'v');
    await sleep(80);
    expect(committed(path)).toEqual(['after', 'before']);
    store.close();
  });

  it('closing commits what is pending, and flush commits at once', () => {
    const path = dbFile();
    const store = Store.open(path, { windowMs: 60_000 });
    store.meta.set('a', 'v');
    store.flush();
    expect(committed(path)).toEqual(['a']);
    store.meta.set('b', 'v');
    store.close();
    expect(committed(path)).toEqual(['a', 'b']);
  });

  it('a commit that cannot happen makes every write fail with its error until one succeeds', async () => {
    const path = dbFile();
    const store = Store.open(path, { windowMs: 20 });
    store.meta.set('a', 'v');
    // A full disk cannot be staged portably, so COMMIT fails twice the way SQLite reports it.
    const exec = store.db.exec.bind(store.db);
    let fail = 2;
    store.db.exec = ((sql: string) => {
      if (sql === 'COMMIT' && fail-- > 0) throw new Error('database or disk is full');
      return exec(sql);
    }) as typeof store.db.exec;
    await sleep(30);
    expect(() => store.meta.set('b', 'v')).toThrow('database or disk is full');
    await sleep(100);
    store.meta.set('c', 'v');
    store.flush();
    expect(committed(path)).toEqual(['a', 'c']);
    store.close();
  });

  it('without group commit every write is committed on its own', () => {
    const path = dbFile();
    const store = Store.open(path);
    store.meta.set('a', 'v');
    expect(committed(path)).toEqual(['a']);
    store.close();
  });
});
