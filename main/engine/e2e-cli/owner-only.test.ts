import { chmod, lstat, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../testing/cli.js';
import { makeBackedUpHome, type TestHome } from '../testing/home.js';
import { until } from '../testing/until.js';

// Issue 11 item 11: the home holds the index of every photo and the API secret. On f6d46b4 an
// existing 0755 home stayed 0755, keepsake.db was 0644, and `run --secret-file` followed a symlink
// and kept an existing file's 0644 mode.

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe.skipIf(process.platform === 'win32')(
  'only the owner can read what Keepsake keeps',
  { timeout: 120_000 },
  () => {
    let h: TestHome;
    beforeAll(async () => {
      h = await makeBackedUpHome('owner');
    });
    afterAll(() => h.remove());

    it('makes an existing open home 0700 and its database 0600', async () => {
      await chmod(h.home, 0o755);
      await chmod(join(h.home, 'keepsake.db'), 0o644);
      const r = await runCli(h.home, ['status']);
      expect(r.stderr).toBe('');
      expect(await mode(h.home)).toBe(0o700);
      expect(await mode(join(h.home, 'keepsake.db'))).toBe(0o600);
    });

    it('refuses a secret file that is a symlink, before starting, and leaves its target alone', async () => {
      const target = join(h.root, 'elsewhere.txt');
      await writeFile(target, 'not yours');
      const link = join(h.root, 'secret-link');
      await symlink(target, link);
      const r = await runCli(h.home, ['run', '--secret-file', link]);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^keepsake: .*secret-link is a symbolic link/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await readFile(target, 'utf8')).toBe('not yours');
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
    });

    it('writes the secret file owner-only even when it existed readable by all', async () => {
      await mkdir(join(h.root, 'run'), { recursive: true });
      const file = join(h.root, 'run', 'secret.json');
      await writeFile(file, '{}', { mode: 0o644 });
      await chmod(file, 0o644);
      const agent = await startCli(h.home, ['run', '--secret-file', file]);
      try {
        await until(async () => (await readFile(file, 'utf8')).includes('"secret"'), 'the secret file');
        expect(await mode(file)).toBe(0o600);
      } finally {
        agent.child.kill('SIGINT');
        await agent.done;
      }
    });
  },
);
