import type { Db } from './db.js';

/** One failover incident: a destination went down and its work was placed elsewhere. */
export interface FailoverRow {
  id: number;
  destination: string;
  /** The first failed call of the run of failures that took it down. */
  failedAt: number;
  downAt: number;
  reason: string;
  /** Weddings that fell below target because of it (null: the unassigned files). */
  weddings: (number | null)[];
  /** When every affected wedding met its target again; null while open. */
  recoveredAt: number | null;
  /** When the destination itself came back; null while it is down. */
  backAt: number | null;
}

interface Raw extends Omit<FailoverRow, 'weddings'> {
  weddings: string;
}

const COLUMNS = `id, destination, failed_at AS failedAt, down_at AS downAt, reason, weddings,
  recovered_at AS recoveredAt, back_at AS backAt`;

const parse = (r: Raw): FailoverRow => ({ ...r, weddings: JSON.parse(r.weddings) as (number | null)[] });

/** Failover incidents (schema 5), for the failover recovery time shown in status. */
export class Failovers {
  constructor(private readonly db: Db) {}

  open(destination: string, failedAt: number, downAt: number, reason: string): FailoverRow {
    const id = Number(
      this.db
        .prepare(`INSERT INTO failovers (destination, failed_at, down_at, reason) VALUES (?, ?, ?, ?)`)
        .run(destination, failedAt, downAt, reason).lastInsertRowid,
    );
    return this.byId(id)!;
  }

  byId(id: number): FailoverRow | undefined {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM failovers WHERE id = ?`).get(id) as Raw | undefined;
    return r && parse(r);
  }

  /** Incidents whose weddings have not all met their target again, oldest first. */
  unrecovered(): FailoverRow[] {
    return (
      this.db
        .prepare(`SELECT ${COLUMNS} FROM failovers WHERE recovered_at IS NULL ORDER BY id`)
        .all() as Raw[]
    ).map(parse);
  }

  /** The most recent incidents, newest first. */
  recent(limit = 20): FailoverRow[] {
    return (
      this.db.prepare(`SELECT ${COLUMNS} FROM failovers ORDER BY id DESC LIMIT ?`).all(limit) as Raw[]
    ).map(parse);
  }

  setWeddings(id: number, weddings: (number | null)[]): void {
    this.db.prepare(`UPDATE failovers SET weddings = ? WHERE id = ?`).run(JSON.stringify(weddings), id);
  }

  recovered(id: number, at: number): void {
    this.db
      .prepare(`UPDATE failovers SET recovered_at = ? WHERE id = ? AND recovered_at IS NULL`)
      .run(at, id);
  }

  /** The destination is back: closes the "down" part of its open incidents. */
  back(destination: string, at: number): void {
    this.db
      .prepare(`UPDATE failovers SET back_at = ? WHERE destination = ? AND back_at IS NULL`)
      .run(at, destination);
  }
}
