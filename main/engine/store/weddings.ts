import type { PolicyOverride } from '../../../shared/model/policy.js';
import type { Wedding } from '../../../shared/model/wedding.js';
import type { Db } from './db.js';

interface WeddingRow {
  id: number;
  slug: string;
  couple: string;
  date: string | null;
  source: 'folder' | 'user';
}

/** The photographer's protection settings of one wedding (schema 5). */
export interface WeddingSettings {
  /** Marked delivered: moves to the archive policy. */
  delivered: boolean;
  /** A region tag every copy must carry (e.g. `EU`), or null. */
  residency: string | null;
  /** The wedding's own policy or numbers, or null for what its dates say. */
  override: PolicyOverride | null;
}

/** Weddings and the folders that belong to each. */
export class Weddings {
  constructor(private readonly db: Db) {}

  /** Creates a wedding with a unique slug (`-2`, `-3` appended when taken). */
  create(
    w: { slugBase: string; couple: string; date: string | null; source: 'folder' | 'user' },
    now: number,
  ): Wedding {
    let slug = w.slugBase || 'wedding';
    for (let n = 2; this.bySlug(slug); n++) slug = `${w.slugBase}-${n}`;
    const id = Number(
      this.db
        .prepare(`INSERT INTO weddings (slug, couple, date, source, created_at) VALUES (?, ?, ?, ?, ?)`)
        .run(slug, w.couple, w.date, w.source, now).lastInsertRowid,
    );
    return this.byId(id)!;
  }

  addFolder(weddingId: number, path: string): void {
    this.db
      .prepare(
        `INSERT INTO wedding_folders (path, wedding_id) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET wedding_id = excluded.wedding_id`,
      )
      .run(path, weddingId);
  }

  /** Changes a wedding's couple or date (checked by the caller). */
  update(id: number, change: { couple?: string; date?: string | null }): void {
    const before = this.byId(id);
    if (!before) return;
    this.db
      .prepare(`UPDATE weddings SET couple = ?, date = ? WHERE id = ?`)
      .run(change.couple ?? before.couple, change.date === undefined ? before.date : change.date, id);
  }

  /** Makes `paths` the wedding's folders: the others it had no longer belong to it. */
  setFolders(id: number, paths: readonly string[]): void {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM wedding_folders WHERE wedding_id = ?`).run(id);
      for (const p of paths) this.addFolder(id, p);
    })();
  }

  byId(id: number): Wedding | undefined {
    const row = this.db.prepare(`SELECT * FROM weddings WHERE id = ?`).get(id) as WeddingRow | undefined;
    return row && this.withFolders(row);
  }

  bySlug(slug: string): Wedding | undefined {
    const row = this.db.prepare(`SELECT * FROM weddings WHERE slug = ?`).get(slug) as WeddingRow | undefined;
    return row && this.withFolders(row);
  }

  byFolder(path: string): Wedding | undefined {
    const row = this.db
      .prepare(`SELECT w.* FROM weddings w JOIN wedding_folders f ON f.wedding_id = w.id WHERE f.path = ?`)
      .get(path) as WeddingRow | undefined;
    return row && this.withFolders(row);
  }

  list(): Wedding[] {
    const rows = this.db.prepare(`SELECT * FROM weddings ORDER BY date DESC, slug`).all() as WeddingRow[];
    return rows.map((r) => this.withFolders(r));
  }

  /** Weddings on a given day (for assigning loose imports by capture date). */
  onDates(): { id: number; date: string }[] {
    return this.db.prepare(`SELECT id, date FROM weddings WHERE date IS NOT NULL`).all() as {
      id: number;
      date: string;
    }[];
  }

  /** All wedding folders, for finding which wedding a path belongs to. */
  folderMap(): { path: string; weddingId: number }[] {
    return this.db.prepare(`SELECT path, wedding_id AS weddingId FROM wedding_folders`).all() as {
      path: string;
      weddingId: number;
    }[];
  }

  /** The wedding's protection settings; defaults for an unknown id. */
  settings(id: number): WeddingSettings {
    const row = this.db
      .prepare(`SELECT delivered, residency, policy_override AS override FROM weddings WHERE id = ?`)
      .get(id) as { delivered: number; residency: string | null; override: string | null } | undefined;
    if (!row) return { delivered: false, residency: null, override: null };
    return {
      delivered: row.delivered === 1,
      residency: row.residency,
      override: row.override === null ? null : (JSON.parse(row.override) as PolicyOverride),
    };
  }

  /** Changes some of a wedding's protection settings (checked by the caller). */
  setSettings(id: number, change: Partial<WeddingSettings>): void {
    const next = { ...this.settings(id), ...change };
    const empty = next.override === null || Object.keys(next.override).length === 0;
    this.db
      .prepare(`UPDATE weddings SET delivered = ?, residency = ?, policy_override = ? WHERE id = ?`)
      .run(
        next.delivered ? 1 : 0,
        next.residency?.trim().toUpperCase() || null,
        empty ? null : JSON.stringify(next.override),
        id,
      );
  }

  private withFolders(row: WeddingRow): Wedding {
    const folders = (
      this.db.prepare(`SELECT path FROM wedding_folders WHERE wedding_id = ? ORDER BY path`).all(row.id) as {
        path: string;
      }[]
    ).map((f) => f.path);
    return { id: row.id, slug: row.slug, couple: row.couple, date: row.date, source: row.source, folders };
  }
}
