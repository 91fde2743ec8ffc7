import type Database from 'better-sqlite3';
import type { Db } from './db.js';

/** How the engine's writes are grouped into transactions. */
export interface GroupCommitOptions {
  /** The longest a write waits for its commit, milliseconds. */
  windowMs: number;
}

export const defaultGroupCommitMs = 100;

/**
 * Group commit for one connection: the first write opens a transaction (`BEGIN IMMEDIATE`, so it
 * holds the write lock and never fails on a stale snapshot), every write in the next `windowMs` joins
 * it, and one COMMIT writes them to the WAL together. A file used to cost ten commits (about a hundred
 * WAL writes and as many lock calls); a burst of small files now shares one.
 *
 * What a crash can cost: the writes of the last window, never a half-applied one (each
 * `db.transaction` inside becomes a savepoint, whole or absent). The index only ever forgets work in
 * that case (a copy it stored, a hash it computed), which the next start redoes; nothing it has not
 * done is ever recorded. `flush()` commits at once where another process must see the state now.
 *
 * A commit that fails (disk full, I/O error) keeps the group open and is tried again each window;
 * until one succeeds, every write throws that error, as the write itself would have without grouping,
 * so the engine stops doing work it cannot record and says why.
 */
export class GroupCommit {
  private timer: NodeJS.Timeout | undefined;
  private ownsTransaction = false;
  private failure: Error | undefined;

  constructor(
    private readonly db: Db,
    private readonly opts: GroupCommitOptions = { windowMs: defaultGroupCommitMs },
  ) {
    hookWrites(db, () => this.enter());
  }

  /** Commits the open group now (a no-op when none is open); throws what COMMIT threw. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ownsTransaction) return;
    // A failed statement (disk full, I/O error) can make SQLite roll the group back by itself.
    if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
    this.ownsTransaction = false;
    this.failure = undefined;
  }

  /** Called before every write: joins the open group, or opens one. */
  private enter(): void {
    if (!this.db.open) return;
    if (this.failure) throw this.failure;
    if (this.ownsTransaction && !this.db.inTransaction) this.ownsTransaction = false; // rolled back
    if (this.db.inTransaction) return; // ours, or a caller's own transaction
    this.db.exec('BEGIN IMMEDIATE');
    this.ownsTransaction = true;
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      try {
        this.flush();
      } catch (err) {
        if (this.ownsTransaction && this.db.inTransaction) {
          this.failure = err as Error;
          this.schedule();
        } else this.ownsTransaction = false;
      }
    }, this.opts.windowMs);
    this.timer.unref();
  }
}

/**
 * Makes every statement that writes, and every `db.transaction()`, call `enter` first. Only statements
 * SQLite itself calls non-read-only are hooked, so queries cost nothing extra.
 */
function hookWrites(db: Db, enter: () => void): void {
  const prepare = db.prepare.bind(db);
  const hooked = new WeakSet<Database.Statement>();
  db.prepare = ((sql: string) => {
    const stmt = prepare(sql);
    if (stmt.readonly || hooked.has(stmt)) return stmt;
    hooked.add(stmt);
    for (const method of ['run', 'get', 'all'] as const) {
      const original = stmt[method].bind(stmt) as (...args: unknown[]) => unknown;
      (stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        enter();
        return original(...args);
      };
    }
    return stmt;
  }) as Db['prepare'];
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const run = transaction(fn);
    const wrapped = (...args: unknown[]) => {
      enter();
      return run(...args);
    };
    return wrapped;
  }) as Db['transaction'];
}
