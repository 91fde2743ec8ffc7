import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli.js';
import { makeTestHome, type TestHome } from '../testing/home.js';

// Issue 15 item 8: `status` before any backup said "No files yet ... Nothing to back up yet" while
// photos sat in the watched Weddings folder.

let h: TestHome | undefined;
afterEach(async () => {
  await h?.remove();
  h = undefined;
});

describe('status before the first scan (CLI)', { timeout: 60_000 }, () => {
  it('says the folders are not scanned yet, never that there is nothing to back up', async () => {
    h = await makeTestHome({ destinations: ['A'] });
    const dir = await h.wedding('2026-06-14 Smith & Jones');
    await writeFile(join(dir, 'IMG_0001.JPG'), 'a photo');
    const r = await runCli(h.home, ['status']);
    expect(r.stdout).toContain(
      'No files indexed yet: the watched folders are scanned by `keepsake backup --once`',
    );
    expect(r.stdout).not.toMatch(/Nothing to back up|All files are protected/);
    expect((await runCli(h.home, ['backup', '--once'])).code).toBe(0);
    expect((await runCli(h.home, ['status'])).stdout).toMatch(/Smith & Jones/);
  });
});
