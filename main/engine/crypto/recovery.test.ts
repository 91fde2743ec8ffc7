import { generateX25519Identity } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { InvalidKeyError } from './errors.js';
import { formatRecoveryKey, parseRecoveryKey } from './recovery.js';

describe('recovery key layout', () => {
  it('prints the prefix and short groups that parse back to the exact key', async () => {
    const key = await generateX25519Identity();
    const printed = formatRecoveryKey(key);
    const lines = printed.split('\n');
    expect(lines[0]).toBe('AGE-SECRET-KEY-1');
    expect(lines.slice(1).every((l) => /^([0-9A-Z]{1,6} ?){1,5}$/.test(l))).toBe(true);
    expect(printed.replace(/\s/g, '')).toBe(key);
    expect(parseRecoveryKey(printed)).toBe(key);
    expect(parseRecoveryKey(printed.toLowerCase().replaceAll('\n', '\r\n  '))).toBe(key);
  });

  it('refuses anything that is not an intact key', async () => {
    const key = await generateX25519Identity();
    const swapped = key.slice(0, 20) + key[21] + key[20] + key.slice(22);
    for (const bad of [
      '',
      'age1abc',
      key.slice(0, -1),
      swapped,
      key.replace('AGE-SECRET-KEY-1', 'AGE-PUBLIC-KEY-1'),
    ]) {
      if (bad === key) continue;
      expect(() => parseRecoveryKey(bad), bad).toThrow(InvalidKeyError);
    }
  });
});
