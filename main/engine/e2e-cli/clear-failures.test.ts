import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../testing/cli.js';
import { randomBytesFor } from '../testing/corpus.js';
import { makeBackedUpHome, makeTestHome, type TestHome } from '../testing/home.js';

// Issue 11 items 7 and 8: every failure of a command is one sentence saying what to do (exit 2), the
// stack trace only under --debug, and no restore target hangs. Each case printed a stack trace
// (exit 3) or spun forever on fc747ed.

const SLUG = '2026-06-14-smith-jones';

/** The failure a user can act on: exit 2, one `keepsake: ...` line on stderr, no stack frame. */
function expectSentence(r: CliResult, ...mentions: (string | RegExp)[]): void {
  const all = `exit ${r.code ?? r.signal}\n${r.stdout}\n${r.stderr}`;
  expect(r.code, all).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, all).toHaveLength(1);
  expect(lines[0], all).toMatch(/^keepsake: /);
  expect(r.stderr, all).not.toMatch(/\n\s+at |unexpected error/);
  for (const m of mentions) expect(r.stderr, all).toMatch(m);
}

describe('every error is a sentence saying what to do (CLI)', { timeout: 180_000 }, () => {
  let h: TestHome;
  beforeAll(async () => {
    h = await makeBackedUpHome('clear');
  });
  afterAll(() => h.remove());

  it('restore of a wedding or snapshot that does not exist (with a config and with --vault)', async () => {
    const to = join(h.root, 'nope');
    expectSentence(
      await runCli(h.home, ['restore', '--wedding', 'nope', '--to', to]),
      /"nope"/,
      /keepsake snapshots/,
    );
    const vault = ['restore', '--vault', h.vaults.A!, '--to', to];
    expectSentence(await runCli(h.home, [...vault, '--wedding', 'nope']), /keepsake snapshots/);
    expectSentence(
      await runCli(h.home, [...vault, '--wedding', SLUG, '--snapshot', 'bogus']),
      /"bogus"/,
      /keepsake snapshots/,
    );
  });

  it('--debug adds the stack trace after the sentence', async () => {
    const r = await runCli(h.home, ['restore', '--wedding', 'nope', '--to', join(h.root, 'x'), '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^keepsake: .*keepsake snapshots/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('restore --to an existing file', async () => {
    const file = join(h.root, 'a-file');
    await writeFile(file, 'not a folder');
    expectSentence(await runCli(h.home, ['restore', '--wedding', SLUG, '--to', file]), file, /not a folder/);
  });

  it('restore --to /proc/x fails at once instead of spinning (item 8)', async () => {
    const started = performance.now();
    const r = await runCli(h.home, ['restore', '--wedding', SLUG, '--to', '/proc/keepsake-x/y'], {
      timeoutMs: 20_000,
    });
    expectSentence(r, /\/proc\/keepsake-x/, /choose/);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('an unreadable config.json (EACCES)', async () => {
    const config = join(h.home, 'config.json');
    await chmod(config, 0o000);
    try {
      expectSentence(await runCli(h.home, ['status'], { unprivileged: true }), config, /permission/);
    } finally {
      await chmod(config, 0o600);
    }
  });

  it('destinations add local on a path that cannot be created (EPERM, EACCES, ENOENT)', async () => {
    expectSentence(
      await runCli(h.home, ['destinations', 'add', 'local', 'S', '/sys/keepsake-x']),
      /\/sys\/keepsake-x/,
    );
    expectSentence(await runCli(h.home, ['destinations', 'add', 'local', 'P', '/proc/keepsake-x']), /\/proc/);
    const locked = join(h.root, 'locked');
    await mkdir(locked, { mode: 0o500 });
    expectSentence(
      await runCli(h.home, ['destinations', 'add', 'local', 'L', join(locked, 'vault')], {
        unprivileged: true,
      }),
      /not allowed to create the folder/,
      /permissions/,
    );
    expectSentence(
      await runCli(h.home, ['destinations', 'add', 'local', 'N', join(h.root, 'no', 'such', 'drive')]),
      /does not exist/,
    );
  });
});

/** Fills the disk of `dir` until only about `leave` bytes are free. */
async function fill(dir: string, leave: number): Promise<void> {
  const { bavail, bsize } = await statfs(dir);
  const free = bavail * bsize - leave;
  if (free > 0) await writeFile(join(dir, `filler-${leave}`), Buffer.alloc(free)).catch(() => undefined);
  if (leave === 0)
    for (let i = 0; i < 64; i++) await writeFile(join(dir, `filler-0-${i}`), 'x').catch(() => undefined);
}

// A home on a full disk: a 2 MB tmpfs, filled up. Mounting needs root (the harness runs as root).
const canMount = process.getuid?.() === 0;
describe.runIf(canMount)('a home on a full disk (CLI)', { timeout: 180_000 }, () => {
  let mnt: string;
  let h: TestHome | undefined;
  beforeAll(async () => {
    mnt = await mkdtemp(join(tmpdir(), 'keepsake-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
  });
  afterAll(async () => {
    await h?.remove();
    execFileSync('umount', [mnt]);
    await rm(mnt, { recursive: true, force: true });
  });

  it('says the disk is full and what to do, when the database cannot grow or cannot even open', async () => {
    h = await makeTestHome({ destinations: ['A'], parent: mnt });
    const dir = await h.wedding('2026-06-14 Smith & Jones');
    await writeFile(join(dir, 'IMG_0001.JPG'), randomBytesFor('full 1', 1000));
    expect((await runCli(h.home, ['backup', '--once'])).code).toBe(0);
    // Leave a few blocks free, then give Keepsake many new photos to record: the database fills them.
    await fill(mnt, 48 * 1024);
    for (let i = 0; i < 300; i++)
      await writeFile(join(dir, `IMG_${String(i).padStart(4, '0')}_${'x'.repeat(200)}.JPG`), '').catch(
        () => undefined,
      );
    const r = await runCli(h.home, ['backup', '--once']);
    expectSentence(r, /full/, /free some space/);
    // Not a byte left: opening the database fails too.
    await fill(mnt, 0);
    expectSentence(await runCli(h.home, ['status']), /full/, /free some space/);
  });
});
