import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { ownerOnlyFile } from '../owner-only.js';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

/** A database that Keepsake cannot use as is; the message says what happened and what to do. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/**
 * Opens (creating if needed) the database, in WAL mode, and brings its schema up to date in one
 * transaction. A database written by a newer Keepsake is refused, never altered; a damaged file is
 * reported with the way to rebuild the index. Open it once per process.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    // Owner-only before SQLite opens it: its -wal and -shm files are made with the database's mode.
    closeSync(openSync(path, 'a', 0o600));
    for (const f of [path, `${path}-wal`, `${path}-shm`]) ownerOnlyFile(f);
  }
  let db: Db;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Statement journals and sorts in memory: on disk they were a temporary file written for every file.
    db.pragma('temp_store = MEMORY');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    cacheStatements(db);
    migrate(db, path);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (
      code === 'SQLITE_NOTADB' ||
      code === 'SQLITE_CORRUPT' ||
      /not a database|malformed/i.test(String(err))
    ) {
      throw new StoreError(
        `The Keepsake database ${path} is damaged (${(err as Error).message}). Your backups are not affected. ` +
          `Move the file aside (for example to ${path}.damaged) and start Keepsake again: it rebuilds its index ` +
          `by rescanning your folders and re-checking your destinations.`,
      );
    }
    throw new StoreError(`Cannot open the Keepsake database ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return db;
}

/**
 * Makes `db.prepare` reuse compiled statements: the store prepares its SQL where it is used, and
 * compiling it again for every file was the largest cost of backing up many small files. A cached
 * statement still being iterated is not handed out twice.
 */
function cacheStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    const hit = cache.get(sql);
    if (hit && !hit.busy) return hit;
    const fresh = compile(sql);
    if (!hit) cache.set(sql, fresh);
    return fresh;
  }) as Db['prepare'];
}

function migrate(db: Db, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    db.close();
    throw new StoreError(
      `The database ${path} was written by a newer version of Keepsake (schema ${current}; this version knows ` +
        `up to ${migrations.length}). It was left untouched: install the newer Keepsake again to use it.`,
    );
  }
  if (current === migrations.length) return;
  db.transaction(() => {
    for (let v = current; v < migrations.length; v++) db.exec(migrations[v]!);
    db.pragma(`user_version = ${migrations.length}`);
  })();
}

export const schemaVersion = migrations.length;
