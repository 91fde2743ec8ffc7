import { sep } from 'node:path';
import { scanFolder } from '../watch/scan.js';
import type { Store } from '../store/store.js';
import type { Intake } from './intake.js';

export interface ReconcileResult {
  files: number;
  queued: number;
  deleted: number;
  problems: number;
}

/**
 * The start-up reconcile scan: finds everything that changed while Keepsake was not running. Files
 * are re-hashed only when size, mtime or inode changed (Intake decides). Files the index knows but the
 * scan did not see are marked deleted, except under folders the scan could not read (an unplugged
 * card, a permission problem): those are left alone so nothing is forgotten by mistake.
 */
export async function reconcile(
  store: Store,
  intake: Intake,
  opts: { signal?: AbortSignal; onFile?: (n: number) => void } = {},
): Promise<ReconcileResult> {
  const result: ReconcileResult = { files: 0, queued: 0, deleted: 0, problems: 0 };
  for (const folder of store.folders.list()) {
    const seen = new Set<string>();
    const unreadable: string[] = [];
    for await (const entry of scanFolder(folder.path, opts.signal ? { signal: opts.signal } : {})) {
      if (entry.kind === 'error') {
        result.problems++;
        unreadable.push(entry.path);
        if (entry.path !== folder.path) intake.problem(entry.path, entry.message, folder);
        continue;
      }
      seen.add(entry.path);
      result.files++;
      if (await intake.seen(entry, folder)) result.queued++;
      opts.onFile?.(result.files);
    }
    if (unreadable.includes(folder.path)) continue;
    const gone = store.files
      .livePathsOfFolder(folder.id)
      .filter((p) => !seen.has(p) && !unreadable.some((u) => p === u || p.startsWith(u + sep)));
    store.tx(() => {
      for (const p of gone) intake.removed(p, false);
    });
    result.deleted += gone.length;
  }
  return result;
}
