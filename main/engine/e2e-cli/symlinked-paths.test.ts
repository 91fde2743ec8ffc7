import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli.js';
import { randomBytesFor } from '../testing/corpus.js';
import { makeTestHome, type TestHome } from '../testing/home.js';

// Issue 11 item 6: on f6d46b4 a destination added through a symlink to a watched folder was
// accepted, and the vault then backed itself up as a wedding. Paths are compared by real path.

let h: TestHome | undefined;
afterEach(async () => {
  await h?.remove();
  h = undefined;
});

/** One sentence, exit 2, no stack. */
function expectRefused(r: { code: number | null; stdout: string; stderr: string }, what: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(2);
  expect(r.stderr).toMatch(what);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('folders compared by where they really are', { timeout: 120_000 }, () => {
  it('refuses a destination inside a watched folder reached through a symlink; nothing backs itself up', async () => {
    h = await makeTestHome({ destinations: ['A'] });
    const dir = await h.wedding('2026-06-14 Smith & Jones');
    await writeFile(join(dir, 'IMG_0001.JPG'), randomBytesFor('real', 5_000));
    const link = join(h.root, 'shortcut');
    await symlink(h.weddings, link);
    expectRefused(
      await runCli(h.home, ['destinations', 'add', 'local', 'Loop', join(link, 'vault')]),
      /overlaps the watched folder/,
    );
    const r = await runCli(h.home, ['backup', '--once']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await readdir(h.weddings)).toEqual(['2026-06-14 Smith & Jones']);
  });

  it('refuses to watch a folder that is a destination, or holds one, through a symlink', async () => {
    h = await makeTestHome({ destinations: ['A'] });
    const toVault = join(h.root, 'to-vault');
    await symlink(h.vaults.A!, toVault);
    expectRefused(await runCli(h.home, ['folders', 'add', toVault]), /overlaps the destination folder/);
    const parent = join(h.root, 'outer');
    await mkdir(parent);
    await symlink(h.root, join(parent, 'all'));
    expectRefused(await runCli(h.home, ['folders', 'add', join(parent, 'all')]), /overlaps/);
  });
});
