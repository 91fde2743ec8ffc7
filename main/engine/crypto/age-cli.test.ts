/**
 * Compatibility with the real `age` tool (/usr/bin/age, or $AGE_BIN): what Keepsake writes opens with
 * `age -d`, what `age` writes opens here. A missing tool fails this suite (see testing/age-cli.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WrongKeyError } from './errors.js';
import {
  createRepositoryKeys,
  unlockWithPassphrase,
  unlockWithRecovery,
  type RepositoryKeys,
} from './keys.js';
import { formatRecoveryKey } from './recovery.js';
import { decryptBytes, encryptBytes, encryptedSize } from './stream.js';
import { age, ageOnTerminal, requireAge, run } from './testing/age-cli.js';

const K = 64 * 1024;
const PASS = 'our wedding, our photos';
let dir: string;
let keys: RepositoryKeys;

beforeAll(async () => {
  requireAge();
  dir = await mkdtemp(join(tmpdir(), 'keepsake-age-'));
  keys = await createRepositoryKeys(PASS, { withRecovery: true, scryptWorkFactor: 12 });
  await writeFile(join(dir, 'passphrase.age'), keys.passphraseFile);
  await writeFile(join(dir, 'recovery.age'), keys.recoveryFile!);
  await writeFile(join(dir, 'identity.txt'), `${keys.identity}\n`);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sizes = [0, 1, K - 1, K, K + 1, 2 * K, 3 * K + 7, 5 * 1024 * 1024 + 3];

describe('Keepsake → age', () => {
  it.each(sizes)('%i bytes: `age -d -i key` decrypts what we encrypt', async (size) => {
    const plain = randomBytes(size);
    const sealed = await encryptBytes(keys.recipient, plain);
    expect(sealed.length).toBe(encryptedSize(size));
    const file = join(dir, `ours-${size}.age`);
    await writeFile(file, sealed);
    const r = await age(['-d', '-i', join(dir, 'identity.txt'), file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.equals(plain)).toBe(true);
  });

  it('`age -d` also refuses our file when one byte is changed', async () => {
    const sealed = await encryptBytes(keys.recipient, randomBytes(2 * K + 10));
    sealed[sealed.length - 100]! ^= 0x04;
    const r = await age(['-d', '-i', join(dir, 'identity.txt')], sealed);
    expect(r.code).not.toBe(0);
  });

  it('`age -d -i keys/passphrase.age OBJECT` decrypts an object with nothing but the passphrase', async () => {
    const plain = randomBytes(K + 123);
    await writeFile(join(dir, 'object'), await encryptBytes(keys.recipient, plain));
    const out = join(dir, 'restored-by-passphrase');
    const r = await ageOnTerminal(
      ['-d', '-i', join(dir, 'passphrase.age'), '-o', out, join(dir, 'object')],
      [PASS],
    );
    expect(r.code, r.transcript).toBe(0);
    expect((await readFile(out)).equals(plain)).toBe(true);
  });

  it('`age -d keys/passphrase.age` with the passphrase gives an identity file for `age -i`', async () => {
    const out = join(dir, 'key.txt');
    const r = await ageOnTerminal(['-d', '-o', out, join(dir, 'passphrase.age')], [PASS]);
    expect(r.code, r.transcript).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text.split('\n')).toContain(keys.identity);
    const plain = randomBytes(3 * K);
    const d = await age(['-d', '-i', out], await encryptBytes(keys.recipient, plain));
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout.equals(plain)).toBe(true);
  });

  it('`age -d` refuses the key file with a wrong passphrase', async () => {
    const out = join(dir, 'not-restored');
    const r = await ageOnTerminal(['-d', '-o', out, join(dir, 'passphrase.age')], ['not the passphrase']);
    expect(r.code).not.toBe(0);
    expect(r.transcript).toMatch(/incorrect passphrase|no identity matched/i);
  });

  it('the printed recovery key, typed into a file, lets `age` recover the repository key and then a photo', async () => {
    const recoveryTxt = join(dir, 'recovery-key.txt');
    // What a person types from the printout, without the grouping spaces.
    await writeFile(recoveryTxt, `${formatRecoveryKey(keys.recoveryKey!).replace(/\s+/g, '')}\n`);
    const r = await age(['-d', '-i', recoveryTxt, join(dir, 'recovery.age')]);
    expect(r.code, r.stderr).toBe(0);
    const identityFile = r.stdout.toString();
    expect(identityFile.split('\n')).toContain(keys.identity);
    // The recovered text is itself an identity file for `age -i`.
    await writeFile(join(dir, 'recovered.txt'), identityFile);
    const plain = randomBytes(1000);
    const photo = await encryptBytes(keys.recipient, plain);
    const d = await age(['-d', '-i', join(dir, 'recovered.txt')], photo);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout.equals(plain)).toBe(true);
  });
});

describe('age → Keepsake', () => {
  it.each(sizes)('%i bytes: we decrypt what `age -r` encrypts', async (size) => {
    const plain = randomBytes(size);
    const r = await age(['-e', '-r', keys.recipient], plain);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(encryptedSize(size));
    expect((await decryptBytes(keys.identity, r.stdout)).equals(plain)).toBe(true);
  });

  it('decrypts an `age` file with several recipients, and refuses one not for our key', async () => {
    const gen = await run('age-keygen', []);
    expect(gen.code).toBe(0);
    const otherRecipient = /public key: (age1\S+)/.exec(gen.stdout.toString() + gen.stderr)?.[1];
    expect(otherRecipient).toMatch(/^age1/);
    const plain = randomBytes(K * 2);
    const both = await age(['-e', '-r', otherRecipient!, '-r', keys.recipient], plain);
    expect((await decryptBytes(keys.identity, both.stdout)).equals(plain)).toBe(true);
    const notOurs = await age(['-e', '-r', otherRecipient!], plain);
    await expect(decryptBytes(keys.identity, notOurs.stdout)).rejects.toBeInstanceOf(WrongKeyError);
  });

  it('unlocks a repository key file made by `age -p` (work factor 18) with the passphrase', async () => {
    const gen = await run('age-keygen', ['-o', join(dir, 'by-hand.txt')]);
    expect(gen.code, gen.stderr).toBe(0);
    const text = await readFile(join(dir, 'by-hand.txt'), 'utf8');
    const identity = /^AGE-SECRET-KEY-1\S+$/m.exec(text)![0];
    const out = join(dir, 'by-hand.age');
    const r = await ageOnTerminal(
      ['-p', '-o', out, join(dir, 'by-hand.txt')],
      ['made by hand', 'made by hand'],
    );
    expect(r.code, r.transcript).toBe(0);
    expect(await unlockWithPassphrase(await readFile(out), 'made by hand')).toBe(identity);
  }, 60_000);

  it('unlocks a recovery file made by `age -r` with the recovery key', async () => {
    const gen = await run('age-keygen', ['-o', join(dir, 'rk.txt')]);
    expect(gen.code, gen.stderr).toBe(0);
    const rkText = await readFile(join(dir, 'rk.txt'), 'utf8');
    const rk = /^AGE-SECRET-KEY-1\S+$/m.exec(rkText)![0];
    const rkRecipient = /public key: (age1\S+)/.exec(rkText)![1]!;
    const r = await age(['-e', '-r', rkRecipient], Buffer.from(`${keys.identity}\n`));
    expect(await unlockWithRecovery(r.stdout, rk)).toBe(keys.identity);
  });
});
