/** The analysis of one wedding: what was shot, its quality class, temperature and compliance level. */
import type { WeddingAnalysis } from '../../../shared/model/analysis.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import type { Store } from '../store/store.js';
import { accessOf } from './access.js';
import { complianceOf } from './compliance.js';
import { qualityOf } from './quality.js';
import { summarizeShot } from './shot.js';

/** `analyze --wedding` named no wedding of this home; the message says how to find the slug. */
export class UnknownWeddingError extends Error {
  override readonly name = 'UnknownWeddingError';
}

/** Analyzes the wedding of `status` (null wedding: the unassigned files) from the index. */
export function analyzeWedding(
  store: Store,
  status: WeddingStatus,
  encrypted: ReadonlySet<string>,
  now: number,
): WeddingAnalysis {
  const w = status.wedding;
  const id = w?.id ?? null;
  const rows = store.analysis.rows(id);
  const shot = summarizeShot(rows);
  return {
    weddingId: id,
    slug: w?.slug ?? null,
    couple: w?.couple ?? 'Unassigned files',
    date: w?.date ?? null,
    shot,
    quality: qualityOf(rows, shot),
    access: accessOf(store.analysis.access(id), w?.date ?? null, now),
    compliance: complianceOf(status, encrypted),
  };
}
