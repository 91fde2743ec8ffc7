/**
 * The recovery key as a person handles it: printed on paper or stored offline, typed back years
 * later. It is an ordinary age identity, so `age -d -i` accepts it as is; the printed form only
 * groups its characters, and parsing forgives spacing, line breaks and letter case.
 */
import { InvalidKeyError } from './errors.js';
import { identitySecret } from './identity.js';

const PREFIX = 'AGE-SECRET-KEY-1';

/** The recovery key laid out for printing: the prefix, then groups of 6 characters, 5 groups a line. */
export function formatRecoveryKey(recoveryKey: string): string {
  const key = parseRecoveryKey(recoveryKey);
  const groups = key.slice(PREFIX.length).match(/.{1,6}/g) ?? [];
  const lines = [PREFIX];
  for (let i = 0; i < groups.length; i += 5) lines.push(groups.slice(i, i + 5).join(' '));
  return lines.join('\n');
}

/**
 * The canonical recovery key (`AGE-SECRET-KEY-1…`, upper case) from what a person typed or pasted,
 * printed layout included. A typo fails the key's checksum: InvalidKeyError says so.
 */
export function parseRecoveryKey(typed: string): string {
  const key = typed.replace(/\s+/g, '').toUpperCase();
  if (!key.startsWith(PREFIX)) {
    throw new InvalidKeyError(`a recovery key starts with ${PREFIX}`);
  }
  try {
    identitySecret(key);
  } catch {
    throw new InvalidKeyError(
      'the recovery key has a typo (its checksum does not match): compare it character by character with the printed copy',
    );
  }
  return key;
}
