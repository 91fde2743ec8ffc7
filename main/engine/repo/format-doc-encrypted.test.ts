import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGE_BIN, requireAge } from '../crypto/testing/age-cli.js';
import { makeEncryptedHome, PASSPHRASE, type EncryptedHome } from '../pipeline/testing/encrypted-home.js';

const docPath = resolve(import.meta.dirname, '../../../docs/FORMAT.md');

/** The shell blocks of FORMAT.md's "Restoring by hand from an encrypted repository", in order. */
function encryptedBlocks(): { passphrase: string; recovery: string; oneFile: string } {
  const doc = readFileSync(docPath, 'utf8');
  const at = doc.indexOf('### Restoring by hand from an encrypted repository');
  if (at < 0) throw new Error('FORMAT.md lost its encrypted hand-restore section');
  const blocks = [...doc.slice(at).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const [passphrase, recovery, oneFile] = blocks;
  if (!passphrase || !recovery || !oneFile)
    throw new Error('FORMAT.md lost an encrypted hand-restore script');
  expect(doc.slice(at)).toContain('One file from an encrypted vault');
  return { passphrase, recovery, oneFile };
}

const shq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs a bash script on a pseudo-terminal (age reads passphrases only from one), typing `lines`. */
function onTerminal(
  script: string,
  cwd: string,
  lines: string[],
): Promise<{ code: number | null; transcript: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('script', ['-qec', `bash -euo pipefail -c ${shq(script)}`, '/dev/null'], {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${resolve(AGE_BIN, '..')}:${process.env.PATH ?? ''}` },
    });
    let transcript = '';
    child.stdout.on('data', (c: Buffer) => (transcript += c.toString()));
    child.stderr.on('data', (c: Buffer) => (transcript += c.toString()));
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    child.stdin.write(lines.map((l) => `${l}\n`).join(''));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, transcript });
    });
  });
}

function bash(script: string, cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('docs/FORMAT.md, encrypted repositories', () => {
  let h: EncryptedHome;
  const files: Record<string, Buffer> = {
    'RAW/IMG_0001.CR3': randomBytes(300_000),
    'RAW/IMG_0002.CR3': randomBytes(100_000),
    'Video/Ceremony.MP4': randomBytes(200_000),
  };
  let blocks: ReturnType<typeof encryptedBlocks>;
  const withVault = (script: string) =>
    script.replace(/^vault=.*$/m, `vault=${JSON.stringify(h.vaults.T7!)}`);

  beforeAll(async () => {
    requireAge();
    blocks = encryptedBlocks();
    h = await makeEncryptedHome({ encrypted: ['T7'] });
    for (const [couple, data] of [
      ['2026-06-14 Smith & Jones', files],
      ['2026-07-01 Ito & Park', { 'RAW/IMG_0001.CR3': randomBytes(50_000) }],
    ] as const) {
      const dir = await h.wedding(couple);
      for (const [p, bytes] of Object.entries(data)) {
        mkdirSync(join(dir, p, '..'), { recursive: true });
        writeFileSync(join(dir, p), bytes);
      }
    }
    const engine = h.open();
    try {
      expect((await engine.backupOnce()).allProtected).toBe(true);
    } finally {
      await engine.close();
    }
  }, 120_000);
  afterAll(() => h.remove());

  it('its scripts restore and check one file with only age, jq and sha256sum (passphrase and recovery key)', async () => {
    const work = join(h.root, 'by-hand');
    mkdirSync(work);
    // 1. The key with the passphrase, typed at age's prompt.
    const unlocked = await onTerminal(withVault(blocks.passphrase), work, [PASSPHRASE]);
    expect(unlocked.code, unlocked.transcript).toBe(0);
    const key = readFileSync(join(work, 'key.txt'), 'utf8');
    expect(key).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/m);
    // ... or with the recovery key, written on one line.
    const recoveryDir = join(h.root, 'by-recovery');
    mkdirSync(recoveryDir);
    writeFileSync(join(recoveryDir, 'recovery-key.txt'), `${h.recoveryKey!}\n`);
    execFileSync('bash', ['-euo', 'pipefail', '-c', withVault(blocks.recovery)], {
      cwd: recoveryDir,
      env: { ...process.env, PATH: `${resolve(AGE_BIN, '..')}:${process.env.PATH ?? ''}` },
    });
    expect(readFileSync(join(recoveryDir, 'key.txt'), 'utf8')).toBe(key);

    // 2. One file, found through the decrypted manifests.
    const r = bash(withVault(blocks.oneFile), work);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2026-06-14-smith-jones  Smith & Jones');
    expect(r.stdout).toContain('2026-07-01-ito-park  Ito & Park');
    expect(r.stdout).toContain('restored/RAW/IMG_0001.CR3: OK');
    expect(readFileSync(join(work, 'restored/RAW/IMG_0001.CR3')).equals(files['RAW/IMG_0001.CR3']!)).toBe(
      true,
    );
    // The same script for another file of the wedding.
    const other = bash(withVault(blocks.oneFile).replace(/^file=.*$/m, 'file=Video/Ceremony.MP4'), work);
    expect(other.code, other.stderr).toBe(0);
    expect(readFileSync(join(work, 'restored/Video/Ceremony.MP4')).equals(files['Video/Ceremony.MP4']!)).toBe(
      true,
    );
  });

  it('the same script fails on an altered object instead of restoring it', () => {
    const work = join(h.root, 'by-hand');
    const manifest = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8')) as {
      files: { path: string; object: string }[];
    };
    const object = join(h.vaults.T7!, manifest.files.find((f) => f.path === 'RAW/IMG_0002.CR3')!.object);
    const data = readFileSync(object);
    const at = data.length - 1000;
    data[at] = data[at]! ^ 1;
    writeFileSync(object, data);
    const r = bash(withVault(blocks.oneFile).replace(/^file=.*$/m, 'file=RAW/IMG_0002.CR3'), work);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/age: error/);
  });
});
