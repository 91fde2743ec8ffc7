import type { AuditEvent, AuditEventInput, AuditKind, AuditQuery } from '../../../shared/model/audit.js';
import type { Clock } from '../clock.js';
import type { Db } from './db.js';
import { auditToCsvRow, auditCsvHeader } from '../audit/csv.js';

/** Every AuditKind the trail accepts; `record` refuses any other. */
export const auditKinds: readonly AuditKind[] = [
  'backup',
  'verify',
  'restore',
  'failover',
  'placement',
  'deletion',
  'destination-state',
  'storage-class',
];

/** Export formats: one JSON object per line, or RFC 4180 CSV with a header row. */
export type AuditExportFormat = 'jsonl' | 'csv';

/** The filter of an export: a query without limit or order (exports run oldest first, in full). */
export type AuditExportFilter = Omit<AuditQuery, 'limit' | 'order'>;

interface Row {
  id: number;
  at: number;
  kind: string;
  wedding_id: number | null;
  destination: string | null;
  subject: string;
  detail: string;
}

/** Rows read per page by `export`, so a long trail never sits in memory whole. */
const exportPageSize = 500;

/**
 * The append-only audit trail in the `audit_events` table (migration 003): what Keepsake did to the
 * photographer's data and when. There is no update or delete here, and the table's triggers refuse
 * both, so entries can only be added. Times come from the Clock. Callers never put secrets in
 * `subject` or `detail`.
 */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Appends one event, stamped with the clock's time, and returns it as stored. */
  record(input: AuditEventInput): AuditEvent {
    if (!auditKinds.includes(input.kind)) throw new RangeError(`unknown audit event kind "${input.kind}"`);
    if (input.subject.length === 0) throw new RangeError('an audit event needs a subject');
    const detail = input.detail ?? {};
    const at = this.clock.now();
    const info = this.db
      .prepare(
        `INSERT INTO audit_events (at, kind, wedding_id, destination, subject, detail)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        at,
        input.kind,
        input.weddingId ?? null,
        input.destination ?? null,
        input.subject,
        JSON.stringify(detail),
      );
    return {
      id: Number(info.lastInsertRowid),
      at,
      kind: input.kind,
      weddingId: input.weddingId ?? null,
      destination: input.destination ?? null,
      subject: input.subject,
      detail: JSON.parse(JSON.stringify(detail)) as Record<string, unknown>,
    };
  }

  /** Events matching every given filter, newest first unless `order` is `asc`. */
  query(q: AuditQuery): AuditEvent[] {
    if (!(Number.isInteger(q.limit) && q.limit > 0)) throw new RangeError('limit must be a positive integer');
    const { where, params } = whereOf(q);
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    const rows = this.db
      .prepare(`SELECT * FROM audit_events ${where} ORDER BY id ${order} LIMIT ?`)
      .all(...params, q.limit) as Row[];
    return rows.map(toEvent);
  }

  /**
   * The matching events, oldest first, as lines of `format` (each ending in a newline; CSV starts
   * with its header). Reads page by page without holding the database busy between pages, so it can
   * feed `Readable.from(...)` into a file while the engine keeps writing.
   */
  *export(format: AuditExportFormat, filter: AuditExportFilter = {}): Generator<string> {
    if (format !== 'jsonl' && format !== 'csv')
      throw new RangeError(`unknown export format "${String(format)}"`);
    if (format === 'csv') yield auditCsvHeader();
    const { where, params } = whereOf(filter);
    const page = this.db.prepare(
      `SELECT * FROM audit_events ${where ? `${where} AND` : 'WHERE'} id > ? ORDER BY id ASC LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const rows = page.all(...params, after, exportPageSize) as Row[];
      for (const row of rows) {
        const event = toEvent(row);
        yield format === 'csv' ? auditToCsvRow(event) : `${JSON.stringify(event)}\n`;
      }
      if (rows.length < exportPageSize) return;
      after = rows[rows.length - 1]!.id;
    }
  }
}

function whereOf(q: AuditExportFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (q.weddingId !== undefined) {
    clauses.push('wedding_id = ?');
    params.push(q.weddingId);
  }
  if (q.destination !== undefined) {
    clauses.push('destination = ?');
    params.push(q.destination);
  }
  if (q.kinds !== undefined) {
    // No kinds asked for means no events, not all of them.
    if (q.kinds.length === 0) clauses.push('0');
    else {
      clauses.push(`kind IN (${q.kinds.map(() => '?').join(', ')})`);
      params.push(...q.kinds);
    }
  }
  if (q.since !== undefined) {
    clauses.push('at >= ?');
    params.push(q.since);
  }
  if (q.until !== undefined) {
    clauses.push('at < ?');
    params.push(q.until);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function toEvent(row: Row): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind as AuditKind,
    weddingId: row.wedding_id,
    destination: row.destination,
    subject: row.subject,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}
