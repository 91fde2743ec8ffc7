import { mkdtemp, mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceHarness } from './conformance.js';
import { LocalDestination } from '../local/local.js';

/** Local folders for the conformance suite; "unavailable" is an unplugged drive (the folder vanishes). */
export function localHarness(): ConformanceHarness {
  let base = '';
  return {
    async setup() {
      base = await mkdtemp(join(tmpdir(), 'keepsake-local-'));
    },
    async teardown() {
      await rm(base, { recursive: true, force: true });
    },
    async create() {
      const root = await mkdtemp(join(base, 'vault-'));
      return new LocalDestination('test-local', root);
    },
    async createMissingContainer() {
      return new LocalDestination('test-missing', join(base, 'no-such-drive', 'vault'));
    },
    async makeUnavailable(dest) {
      const root = (dest as LocalDestination).root;
      const away = `${root}.unplugged`;
      await rename(root, away);
      await mkdir(root + '.placeholder', { recursive: true });
      return async () => {
        await rm(root + '.placeholder', { recursive: true, force: true });
        await rename(away, root);
      };
    },
    largeObjectSize: 24 * 1024 * 1024,
  };
}
