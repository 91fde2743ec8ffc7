import { generateX25519Identity } from 'age-encryption';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newConfig, saveConfig } from '../config/config-file.js';
import { addFolder } from '../setup/folders.js';
import { runCli, runCliJson, type CliOptions } from '../testing/cli.js';
import { generateWedding } from '../testing/corpus.js';
import { hashTree, listFiles } from '../testing/inspect.js';
import { runOnTerminal } from '../testing/terminal.js';

const PASSPHRASE = 'confetti on the stairs of 2026';
const SLUG = '2026-06-14-smith-jones';

/** The recovery key block as `destinations add --recovery-key` printed it: the prefix line and the grouped lines. */
function printedRecoveryBlock(stdout: string): string {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith('RECOVERY KEY'));
  expect(at).toBeGreaterThanOrEqual(0);
  const block: string[] = [];
  for (const l of lines.slice(at + 2)) {
    if (l.trim() === '') break;
    block.push(l);
  }
  expect(block[0]).toBe('AGE-SECRET-KEY-1');
  return block.join('\n');
}

/** Only the entries of a hashTree under `prefix`. */
const under = (tree: Record<string, string>, prefix: string) =>
  Object.fromEntries(Object.entries(tree).filter(([p]) => p.startsWith(prefix)));

// The laptop died: its Keepsake home is gone, only the drive is left. An encrypted vault is restored
// from the drive alone, with the passphrase or the recovery key, exactly as a plain one is.
describe(
  'restore --vault from an encrypted vault, without a Keepsake home (CLI)',
  { timeout: 240_000 },
  () => {
    let base: string;
    let home: string;
    let vault: string;
    let recoveryFile: string;
    let wedding: string;
    let before: Record<string, string>;
    /** Where the new laptop's Keepsake would keep its home: never created by a --vault command. */
    let newHome: string;
    const noPassphrase: CliOptions = { env: { KEEPSAKE_PASSPHRASE: '' } };
    const withPassphrase: CliOptions = { env: { KEEPSAKE_PASSPHRASE: PASSPHRASE } };

    beforeAll(async () => {
      base = await mkdtemp(join(tmpdir(), 'keepsake-enc-vault-'));
      home = join(base, 'home');
      vault = join(base, 'T7');
      newHome = join(base, 'new-laptop-home');
      const weddings = join(base, 'Weddings');
      wedding = join(weddings, '2026-06-14 Smith & Jones');
      await generateWedding(wedding, {
        rawCount: 2,
        jpegCount: 2,
        rawSize: [300_000, 500_000],
        jpegSize: [60_000, 120_000],
        videoSize: 1_500_000,
      });
      before = await hashTree(wedding);
      saveConfig(home, { ...addFolder(newConfig(), weddings, 'weddings'), watch: { stableMs: 0 } });

      const added = await runCli(
        home,
        ['destinations', 'add', 'local', 'T7', vault, '--encrypt', '--recovery-key', '--off-laptop'],
        withPassphrase,
      );
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toMatch(/Added destination T7: .*\(encrypted with key [0-9a-f]{16}/);
      // Kept the way a photographer would: the printed block, typed or pasted into a text file.
      recoveryFile = join(base, 'recovery-key.txt');
      await writeFile(
        recoveryFile,
        `# Keepsake recovery key of T7, printed 2026-06-14\n${printedRecoveryBlock(added.stdout)}\n`,
      );

      const backup = await runCli(home, ['backup', '--once'], noPassphrase);
      expect(backup.code, `${backup.stdout}\n${backup.stderr}`).toBe(0);
      // The vault is really encrypted: its marker says so and no path names the couple or a file.
      const marker = JSON.parse(readFileSync(join(vault, 'keepsake-repo.json'), 'utf8')) as {
        encryption: { keyFiles: string[] } | null;
      };
      expect(marker.encryption?.keyFiles).toEqual(['keys/passphrase.age', 'keys/recovery.age']);
      const stored = (await listFiles(vault)).join('\n');
      expect(stored).not.toMatch(/smith|jones|IMG_|CR3|RAW\//i);

      await rm(home, { recursive: true, force: true });
    });
    afterAll(() => rm(base, { recursive: true, force: true }));

    it('snapshots --vault lists the weddings of the encrypted vault (their folders have opaque names) with the passphrase', async () => {
      const { result, json } = await runCliJson<{ wedding: string; id: string; destination: string }[]>(
        newHome,
        ['snapshots', '--vault', vault],
        withPassphrase,
      );
      expect(result.code, result.stderr).toBe(0);
      expect(json).toEqual([
        {
          destination: 'vault',
          wedding: SLUG,
          id: expect.any(String),
          createdAt: expect.any(String),
          // The laptop that made it, by name, from its (encrypted) device index.
          device: hostname(),
        },
      ]);
      expect(existsSync(newHome)).toBe(false);
    });

    it('restores the wedding byte for byte with KEEPSAKE_PASSPHRASE, writing nothing else anywhere', async () => {
      const target = join(base, 'restored-passphrase');
      const vaultBefore = await hashTree(vault);
      const r = await runCli(
        newHome,
        ['restore', '--vault', vault, '--wedding', SLUG, '--to', target],
        withPassphrase,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(`^Restored ${Object.keys(before).length} file\\(s\\), .* on vault; every file verified`),
      );
      expect(await hashTree(target)).toEqual(before);
      expect(await hashTree(vault)).toEqual(vaultBefore);
      expect(existsSync(newHome)).toBe(false);
    });

    it('restores with the recovery key file instead of the passphrase (here only RAW/**)', async () => {
      const target = join(base, 'restored-recovery');
      const r = await runCli(
        newHome,
        [
          'restore',
          '--vault',
          vault,
          '--recovery-key',
          recoveryFile,
          '--wedding',
          SLUG,
          '--to',
          target,
          '--path',
          'RAW/**',
        ],
        noPassphrase,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const raw = under(before, 'RAW/');
      expect(Object.keys(raw).length).toBe(4);
      expect(await hashTree(target)).toEqual(raw);
    });

    it('a wrong passphrase, a recovery key of another vault or no passphrase at all: a clear error, exit 2, nothing restored', async () => {
      const target = join(base, 'restored-wrong');
      const args = ['restore', '--vault', vault, '--wedding', SLUG, '--to', target];

      const wrong = await runCli(newHome, args, {
        env: { KEEPSAKE_PASSPHRASE: 'confetti on the stairs of 2025' },
      });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(
        /^keepsake: wrong passphrase: it does not unlock this repository key .*use the recovery key\)\n$/,
      );
      expect(wrong.stdout).toBe('');

      const otherKey = join(base, 'other-recovery-key.txt');
      await writeFile(otherKey, `${await generateX25519Identity()}\n`);
      const other = await runCli(newHome, [...args, '--recovery-key', otherKey], noPassphrase);
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(
        /^keepsake: vault: this recovery key does not open keys\/recovery\.age: it is the key of another repository/,
      );

      const none = await runCli(newHome, args, noPassphrase);
      expect(none.code).toBe(2);
      expect(none.stderr).toBe(
        `keepsake: ${vault} is an encrypted vault: a passphrase is needed: set KEEPSAKE_PASSPHRASE or run the command in a terminal to type it (it is not echoed); or give its recovery key with --recovery-key FILE.\n`,
      );

      for (const r of [wrong, other, none]) expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(target)).toBe(false);
      expect(existsSync(newHome)).toBe(false);
    });

    it('on a terminal, asks for the passphrase without echoing it, then restores', async () => {
      const target = join(base, 'restored-terminal');
      const r = await runOnTerminal(
        newHome,
        ['restore', '--vault', vault, '--wedding', SLUG, '--to', target, '--path', 'VIDEO'],
        [['Passphrase: ', PASSPHRASE]],
      );
      expect(r.code, r.transcript).toBe(0);
      expect(r.transcript).not.toContain(PASSPHRASE);
      expect(r.transcript).toMatch(/Restored 1 file\(s\)/);
      expect(await hashTree(target)).toEqual(under(before, 'VIDEO/'));
    });
  },
);
