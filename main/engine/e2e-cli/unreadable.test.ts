import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../shared/model/status.js';
import { runCli, runCliJson, type CliOptions } from '../testing/cli.js';
import { randomBytesFor } from '../testing/corpus.js';
import { makeTestHome, withTestEngine, type TestHome } from '../testing/home.js';
import { hashTree } from '../testing/inspect.js';

/**
 * Root reads any file whatever its mode, so the CLI runs without the capabilities that allow that:
 * chmod 000 then really makes a file unreadable.
 */
const user: CliOptions = { unprivileged: true };

// A file and a folder that cannot be read: reported with the reason, never counted as protected, and
// backed up as soon as they can be read.
describe('unreadable files and folders (CLI, as an unprivileged user)', { timeout: 180_000 }, () => {
  let h: TestHome;
  let dir: string;

  beforeAll(async () => {
    h = await makeTestHome();
    dir = await h.wedding('2026-06-14 Smith & Jones');
    await writeFile(join(dir, 'IMG_0001.JPG'), randomBytesFor('readable', 150_000));
    await writeFile(join(dir, 'IMG_0002.CR3'), randomBytesFor('locked', 250_000));
    await mkdir(join(dir, 'Private'));
    await writeFile(join(dir, 'Private', 'IMG_0003.CR3'), randomBytesFor('in a locked folder', 90_000));

    await chmod(join(dir, 'IMG_0002.CR3'), 0o000);
    await chmod(join(dir, 'Private'), 0o000);
  });
  afterAll(async () => {
    await chmod(join(dir, 'Private'), 0o755).catch(() => undefined);
    await h.remove();
  });

  it('backup --once reports each with its reason and exits 1; the readable file is protected', async () => {
    const r = await runCli(h.home, ['backup', '--once'], user);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAILED: ${join(dir, 'IMG_0002.CR3')}: cannot read the file: permission denied (check its owner and permissions)`,
    );
    expect(r.stdout).toContain(
      `FAILED: ${join(dir, 'Private')}: cannot read folder ${join(dir, 'Private')}: permission denied (EACCES)`,
    );
    expect(r.stdout).toContain('Not every file is protected yet.');

    const { json } = await runCliJson<StatusReport>(h.home, ['status'], user);
    expect(json.allProtected).toBe(false);
    const w = json.weddings.find((x) => x.wedding?.couple === 'Smith & Jones')!;
    expect(w.protected).toBe(1);
    expect(w.failed).toBe(1);
    // Still reported on the next run: a problem never turns into "protected" by being retried.
    const again = await runCli(h.home, ['backup', '--once'], user);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`FAILED: ${join(dir, 'Private')}`);
    expect(again.stdout).toContain(`FAILED: ${join(dir, 'IMG_0002.CR3')}`);
  });

  it('once readable, everything is backed up and restores byte-identical', async () => {
    await chmod(join(dir, 'IMG_0002.CR3'), 0o644);
    await chmod(join(dir, 'Private'), 0o755);
    const { result, json } = await runCliJson<StatusReport>(h.home, ['backup', '--once'], user);
    expect(result.code).toBe(0);
    expect(json.allProtected).toBe(true);
    expect(json.problems).toEqual([]);
    const target = join(h.root, 'restored');
    await withTestEngine(h, async (engine) => {
      const slug = json.weddings.find((x) => x.wedding?.couple === 'Smith & Jones')!.wedding!.slug;
      const r = await engine.restore({ wedding: slug, target });
      expect(r.restored).toBe(3);
    });
    expect(await hashTree(target)).toEqual(await hashTree(dir));
  });
});
