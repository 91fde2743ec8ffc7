import type { AuditEvent } from '../../../shared/model/audit.js';
import { isoAt } from '../clock.js';

const columns = ['id', 'at', 'kind', 'wedding_id', 'destination', 'subject', 'detail'] as const;

/** The CSV header line of an audit export. */
export function auditCsvHeader(): string {
  return `${columns.join(',')}\r\n`;
}

/** One audit event as an RFC 4180 CSV line (CRLF-terminated); `at` is ISO 8601 UTC. */
export function auditToCsvRow(e: AuditEvent): string {
  const cells = [
    String(e.id),
    isoAt(e.at),
    e.kind,
    e.weddingId === null ? '' : String(e.weddingId),
    textCell(e.destination ?? ''),
    textCell(e.subject),
    textCell(JSON.stringify(e.detail)),
  ];
  return `${cells.map(quote).join(',')}\r\n`;
}

/**
 * Text from users (file names, destination names) is defused for spreadsheets: a cell starting with
 * `=`, `+`, `-`, `@`, tab or CR would be run as a formula by Excel or LibreOffice, so it gets a `'`.
 */
function textCell(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
