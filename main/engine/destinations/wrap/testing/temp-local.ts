import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { LocalDestination } from '../../local/local.js';

/**
 * Fresh LocalDestinations over temporary folders for one test file, removed after each test.
 * Call at the top of a test file; `make()` returns a destination over a new empty folder.
 */
export function tempLocals(): { make(name?: string): Promise<LocalDestination> } {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return {
    async make(name = 'test-local') {
      const dir = await mkdtemp(join(tmpdir(), 'keepsake-wrap-'));
      dirs.push(dir);
      return new LocalDestination(name, dir);
    },
  };
}
