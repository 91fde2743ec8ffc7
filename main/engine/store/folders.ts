import type { Db } from './db.js';

export type FolderKind = 'weddings' | 'import';

export interface WatchedFolder {
  id: number;
  path: string;
  kind: FolderKind;
}

/** Watched folders: weddings roots (each sub-folder a wedding) and loose import folders. */
export class Folders {
  constructor(private readonly db: Db) {}

  add(path: string, kind: FolderKind, now: number): WatchedFolder {
    this.db
      .prepare(
        `INSERT INTO folders (path, kind, added_at) VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE SET kind = excluded.kind`,
      )
      .run(path, kind, now);
    return this.byPath(path)!;
  }

  remove(path: string): boolean {
    return this.db.prepare(`DELETE FROM folders WHERE path = ?`).run(path).changes > 0;
  }

  list(): WatchedFolder[] {
    return this.db.prepare(`SELECT id, path, kind FROM folders ORDER BY path`).all() as WatchedFolder[];
  }

  byPath(path: string): WatchedFolder | undefined {
    return this.db.prepare(`SELECT id, path, kind FROM folders WHERE path = ?`).get(path) as
      WatchedFolder | undefined;
  }
}
