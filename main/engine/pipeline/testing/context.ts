import type { Clock } from '../../clock.js';
import type { Repository } from '../../repo/repository.js';
import type { Store } from '../../store/store.js';
import type { BackupContext } from '../backup-file.js';

/**
 * A backup context without policies, for tests of the pipeline alone: every repository gets a copy,
 * and a file is protected once `copies` of them hold it.
 */
export function everywhereContext(
  store: Store,
  clock: Clock,
  repos: Repository[],
  copies: number,
): BackupContext {
  return {
    store,
    clock,
    repos,
    plan: (hash) => {
      const have = new Set(hash ? store.objects.storedAt(hash) : []);
      return repos.map((r) => r.name).filter((n) => !have.has(n));
    },
    coverage: (hash) => {
      const n = store.objects.storedAt(hash).filter((d) => repos.some((r) => r.name === d)).length;
      return n >= copies ? { met: true } : { met: false, why: `only ${n} of ${copies} copies` };
    },
  };
}
