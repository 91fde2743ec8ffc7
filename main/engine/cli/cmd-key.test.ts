import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newConfig, saveConfig } from '../config/config-file.js';
import { FileKeyCache } from '../config/key-cache.js';
import { age, requireAge } from '../crypto/testing/age-cli.js';
import { addFolder } from '../setup/folders.js';
import { spawn } from 'node:child_process';
import { cliNodeArgs, runCli } from '../testing/cli.js';

const PASSPHRASE = 'the studio passphrase of 2026';
const NEW_PASSPHRASE = 'another one, changed in 2027';

/** The recovery key printed by the CLI: the line after the heading, the groups joined. */
function printedRecoveryKey(stdout: string): string {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith('RECOVERY KEY'));
  expect(at).toBeGreaterThanOrEqual(0);
  const key: string[] = [];
  for (const l of lines.slice(at + 2)) {
    if (l.trim() === '') break;
    key.push(l.replace(/\s+/g, ''));
  }
  return key.join('');
}

const shq = (x: string) => `'${x.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `keepsake ARGS` on a pseudo-terminal (util-linux `script`), answering each prompt as it appears,
 * the way a person types: the answer and Enter.
 */
async function onTerminal(
  home: string,
  args: string[],
  answers: [prompt: string, answer: string][],
): Promise<{ code: number | null; transcript: string }> {
  const command = [process.execPath, ...(await cliNodeArgs()), '--home', home, ...args].map(shq).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, KEEPSAKE_PASSPHRASE: '', NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let transcript = '';
    let answered = 0;
    const onOutput = (c: Buffer) => {
      transcript += c.toString();
      const next = answers[answered];
      if (
        next &&
        transcript.split(next[0]).length - 1 >
          answers.slice(0, answered).filter((a) => a[0] === next[0]).length
      ) {
        answered++;
        child.stdin.write(`${next[1]}\r`);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, transcript });
    });
  });
}

// The key commands as a user runs them: passphrases from the environment (no terminal here).
describe('keepsake key … and destinations add --encrypt (CLI)', { timeout: 240_000 }, () => {
  const base = mkdtempSync(join(tmpdir(), 'keepsake-cli-key-'));
  const home = join(base, 'home');
  const vault = join(base, 'T7');
  const wedding = join(base, 'Weddings', '2026-06-14 Smith & Jones');
  const photo = randomBytes(200_000);

  beforeAll(() => {
    requireAge();
    mkdirSync(wedding, { recursive: true });
    writeFileSync(join(wedding, 'IMG_0001.CR3'), photo);
    saveConfig(home, addFolder(newConfig(), join(base, 'Weddings'), 'weddings'));
  });

  it('on a terminal, asks for a new passphrase twice without echoing it; two different ones change nothing', async () => {
    const termHome = join(base, 'term-home');
    saveConfig(termHome, newConfig());
    const differ = await onTerminal(
      termHome,
      ['destinations', 'add', 'local', 'T', join(base, 'T'), '--encrypt'],
      [
        ['New passphrase: ', PASSPHRASE],
        ['Repeat it: ', 'something else entirely'],
      ],
    );
    expect(differ.transcript).toContain('the two passphrases differ; nothing was changed.');
    expect(differ.code).toBe(2);
    expect(readFileSync(join(termHome, 'config.json'), 'utf8')).not.toContain('"T"');
    const ok = await onTerminal(
      termHome,
      ['destinations', 'add', 'local', 'T', join(base, 'T'), '--encrypt'],
      [
        ['New passphrase: ', PASSPHRASE],
        ['Repeat it: ', PASSPHRASE],
      ],
    );
    expect(ok.code, ok.transcript).toBe(0);
    expect(ok.transcript).toMatch(/Added destination T: .*\(encrypted with key/);
    for (const t of [differ.transcript, ok.transcript]) expect(t).not.toContain(PASSPHRASE);
    const unlock = await onTerminal(
      termHome,
      ['key', 'unlock', '--destination', 'T'],
      [['Passphrase: ', PASSPHRASE]],
    );
    expect(unlock.code, unlock.transcript).toBe(0);
    expect(unlock.transcript).toContain('Unlocked key');
  });

  it('without a passphrase and without a terminal: a clear error, nothing added', async () => {
    const r = await runCli(home, ['destinations', 'add', 'local', 'T7', vault, '--encrypt', '--off-laptop'], {
      env: { KEEPSAKE_PASSPHRASE: '' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('keepsake: a passphrase is needed: set KEEPSAKE_PASSPHRASE');
    expect(readFileSync(join(home, 'config.json'), 'utf8')).not.toContain('T7');
  });

  it('adds an encrypted local destination, printing the recovery key once; backs up without a passphrase', async () => {
    const r = await runCli(
      home,
      ['destinations', 'add', 'local', 'T7', vault, '--encrypt', '--recovery-key', '--off-laptop'],
      {
        env: { KEEPSAKE_PASSPHRASE: PASSPHRASE },
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Added destination T7: .* \(encrypted with key [0-9a-f]{16}, kept unlocked in /);
    expect(r.stdout).toContain('keep it offline');
    const recovery = printedRecoveryKey(r.stdout);
    expect(recovery).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    // The printed key opens keys/recovery.age with the real age tool.
    const keyFile = join(base, 'recovery.txt');
    writeFileSync(keyFile, `${recovery}\n`);
    const opened = await age(['-d', '-i', keyFile, join(vault, 'keys/recovery.age')]);
    expect(opened.code).toBe(0);
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as {
      destinations: { encryption: { keyId: string } }[];
    };
    const cached = await new FileKeyCache(home).get(config.destinations[0]!.encryption.keyId);
    expect(opened.stdout.toString()).toContain(cached!.identity);

    const list = await runCli(home, ['destinations', 'list']);
    expect(list.stdout).toMatch(/ENCRYPTED\n.*T7 +local .* yes +yes/);
    const backup = await runCli(home, ['backup', '--once'], { env: { KEEPSAKE_PASSPHRASE: '' } });
    expect(backup.code, backup.stderr).toBe(0);
    const restored = join(base, 'restored');
    const restore = await runCli(home, ['restore', '--wedding', '2026-06-14-smith-jones', '--to', restored]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(readFileSync(join(restored, 'IMG_0001.CR3')).equals(photo)).toBe(true);
  });

  it('change-passphrase: a wrong passphrase is a clear error and changes nothing; the right one changes it', async () => {
    const file = () => readFileSync(join(vault, 'keys/passphrase.age'));
    const before = file();
    const wrong = await runCli(home, ['key', 'change-passphrase', '--destination', 'T7'], {
      env: { KEEPSAKE_PASSPHRASE: 'not the passphrase', KEEPSAKE_NEW_PASSPHRASE: NEW_PASSPHRASE },
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^keepsake: wrong passphrase: .*nothing was changed/);
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
    expect(file().equals(before)).toBe(true);

    const noNew = await runCli(home, ['key', 'change-passphrase', '--destination', 'T7'], {
      env: { KEEPSAKE_PASSPHRASE: PASSPHRASE, KEEPSAKE_NEW_PASSPHRASE: '' },
    });
    expect(noNew.code).toBe(2);
    expect(noNew.stderr).toContain('set KEEPSAKE_NEW_PASSPHRASE');

    const ok = await runCli(home, ['key', 'change-passphrase', '--destination', 'T7'], {
      env: { KEEPSAKE_PASSPHRASE: PASSPHRASE, KEEPSAKE_NEW_PASSPHRASE: NEW_PASSPHRASE },
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Passphrase changed on T7.');
    expect(file().equals(before)).toBe(false);
    const old = await runCli(home, ['key', 'unlock', '--destination', 'T7'], {
      env: { KEEPSAKE_PASSPHRASE: PASSPHRASE },
    });
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('wrong passphrase');
    const unlocked = await runCli(home, ['key', 'unlock', '--destination', 'T7'], {
      env: { KEEPSAKE_PASSPHRASE: NEW_PASSPHRASE },
    });
    expect(unlocked.code, unlocked.stderr).toBe(0);
    expect(unlocked.stdout).toMatch(/Unlocked key [0-9a-f]{16} of T7/);
  });

  it('export-recovery prints a new recovery key that opens keys/recovery.age with age', async () => {
    const r = await runCli(home, ['key', 'export-recovery', '--destination', 'T7'], {
      env: { KEEPSAKE_PASSPHRASE: NEW_PASSPHRASE },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Print it or write it down and keep it offline');
    const keyFile = join(base, 'recovery-2.txt');
    writeFileSync(keyFile, `${printedRecoveryKey(r.stdout)}\n`);
    expect((await age(['-d', '-i', keyFile, join(vault, 'keys/recovery.age')])).code).toBe(0);
    const plainDest = await runCli(home, [
      'destinations',
      'add',
      'local',
      'USB',
      join(base, 'USB'),
      '--off-laptop',
    ]);
    expect(plainDest.stdout).toContain('(not encrypted)');
    const notEncrypted = await runCli(home, ['key', 'export-recovery', '--destination', 'USB'], {
      env: { KEEPSAKE_PASSPHRASE: NEW_PASSPHRASE },
    });
    expect(notEncrypted.code).toBe(2);
    expect(notEncrypted.stderr).toContain('USB is not encrypted');
  });
});
