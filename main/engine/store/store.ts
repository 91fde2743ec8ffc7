import type { Clock } from '../clock.js';
import { AnalysisQueries } from './analysis.js';
import { AuditLog } from './audit-log.js';
import { Ciphertexts } from './ciphertexts.js';
import { openDatabase, type Db } from './db.js';
import { Failovers } from './failovers.js';
import { Files } from './files.js';
import { Folders } from './folders.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import { Objects } from './objects.js';
import { Placements } from './placements.js';
import { Meta } from './meta.js';
import { JobQueue } from './queue.js';
import { Snapshots } from './snapshots.js';
import { StatusQueries } from './status.js';
import { Weddings } from './weddings.js';
import { Uploads } from './uploads.js';

/** The local SQLite store: one database, one object per table group. Open once per process. */
export class Store {
  readonly folders: Folders;
  readonly weddings: Weddings;
  readonly files: Files;
  readonly objects: Objects;
  readonly snapshots: Snapshots;
  readonly queue: JobQueue;
  readonly status: StatusQueries;
  readonly uploads: Uploads;
  readonly placements: Placements;
  readonly failovers: Failovers;
  readonly meta: Meta;
  readonly ciphertexts: Ciphertexts;
  readonly analysis: AnalysisQueries;

  private readonly group: GroupCommit | undefined;

  /** With `groupCommit`, writes are committed together every few milliseconds (see GroupCommit). */
  constructor(
    readonly db: Db,
    groupCommit?: GroupCommitOptions,
  ) {
    this.group = groupCommit ? new GroupCommit(db, groupCommit) : undefined;
    this.folders = new Folders(db);
    this.weddings = new Weddings(db);
    this.files = new Files(db);
    this.objects = new Objects(db);
    this.snapshots = new Snapshots(db);
    this.queue = new JobQueue(db);
    this.status = new StatusQueries(db);
    this.uploads = new Uploads(db);
    this.placements = new Placements(db);
    this.failovers = new Failovers(db);
    this.meta = new Meta(db);
    this.ciphertexts = new Ciphertexts(db);
    this.analysis = new AnalysisQueries(db);
  }

  static open(path: string, groupCommit?: GroupCommitOptions): Store {
    return new Store(openDatabase(path), groupCommit);
  }

  /** Commits grouped writes now, so another process reading the database sees them. */
  flush(): void {
    this.group?.flush();
  }

  /** The audit log of this database, timed by `clock`. */
  auditLog(clock: Clock): AuditLog {
    return new AuditLog(this.db, clock);
  }

  /** Runs `fn` in one transaction. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (!this.db.open) return;
    this.group?.flush();
    this.db.close();
  }
}
