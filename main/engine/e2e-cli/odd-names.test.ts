import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../shared/model/status.js';
import { resolveInside } from '../restore/safe-path.js';
import { runCli, runCliJson } from '../testing/cli.js';
import { makeTestHome, type TestHome } from '../testing/home.js';

// Issue 11 item 5: `back\slash.jpg` was counted protected while every restore refused it ("contains
// a backslash", exit 1 on fc747ed). What is accepted for backup is restorable; a name this platform
// cannot hold is restored under a safe name, and the restore says so.

let h: TestHome | undefined;
afterEach(async () => {
  await h?.remove();
  h = undefined;
});

/** Names Linux and macOS hold but Windows cannot (or reads as something else). */
const odd = ['back\\slash.jpg', 'C:drive.jpg', 'a:b*c?.jpg', 'trailing dot.', 'CON.jpg', '..\\..\\up.jpg'];

describe('names that can be stored can be restored', { timeout: 120_000 }, () => {
  it('every odd name counted protected restores byte for byte under its own name (CLI)', async () => {
    h = await makeTestHome({ destinations: ['A', 'B'] });
    const dir = await h.wedding('2026-06-14 Smith & Jones');
    for (const name of odd) await writeFile(join(dir, name), `photo ${name}`);
    expect((await runCli(h.home, ['backup', '--once'])).code).toBe(0);
    const { json } = await runCliJson<StatusReport>(h.home, ['status']);
    const w = json.weddings[0]!;
    expect(w.protected).toBe(odd.length);

    const to = join(h.root, 'restored');
    const r = await runCli(h.home, ['restore', '--wedding', w.wedding!.slug, '--to', to]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/REFUSED|RENAMED/);
    expect((await readdir(to)).sort()).toEqual([...odd].sort());
    for (const name of odd) expect(await readFile(join(to, name), 'utf8')).toBe(`photo ${name}`);
  });

  it('on Windows the same names get safe names inside the target, and say so', async () => {
    const target = '/restore/here';
    const place = (p: string) => resolveInside(target, p, 'win32');
    expect(await place('RAW/back\\slash.jpg')).toEqual({
      full: '/restore/here/RAW/back_slash.jpg',
      renamedAs: 'RAW/back_slash.jpg',
    });
    expect((await place('..\\..\\up.jpg')).renamedAs).toBe('.._.._up.jpg');
    expect((await place('C:drive.jpg')).renamedAs).toBe('C_drive.jpg');
    expect((await place('trailing dot.')).renamedAs).toBe('trailing dot_');
    expect((await place('CON.jpg')).renamedAs).toBe('_CON.jpg');
    expect(await place('plain.jpg')).toEqual({ full: '/restore/here/plain.jpg' });
    // What is unsafe everywhere stays refused.
    await expect(place('../up.jpg')).rejects.toThrow(/segment/);
    await expect(place('/etc/passwd')).rejects.toThrow(/absolute/);
  });
});
