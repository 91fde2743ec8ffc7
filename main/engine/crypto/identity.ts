/**
 * age X25519 identities (`AGE-SECRET-KEY-1…`) as Keepsake handles them: the raw secret behind one,
 * the identity-file text that holds one (the format `age -i` reads), and its parsing.
 */
import { identityToRecipient } from 'age-encryption';
import { bech32Decode } from './bech32.js';
import { InvalidKeyError } from './errors.js';

const IDENTITY_PREFIX = 'AGE-SECRET-KEY-1';

/** The 32-byte X25519 secret of an identity; InvalidKeyError when it is not a valid identity. */
export function identitySecret(identity: string): Uint8Array {
  let decoded;
  try {
    decoded = bech32Decode(identity);
  } catch (err) {
    throw new InvalidKeyError(`not a valid age identity: ${(err as Error).message}`);
  }
  if (
    decoded.hrp !== 'age-secret-key-' ||
    decoded.bytes.length !== 32 ||
    identity !== identity.toUpperCase()
  ) {
    throw new InvalidKeyError('not an age X25519 identity (AGE-SECRET-KEY-1…)');
  }
  return decoded.bytes;
}

/** The public recipient (`age1…`) of an identity. */
export async function recipientOf(identity: string): Promise<string> {
  identitySecret(identity);
  return identityToRecipient(identity);
}

/** The text of an age identity file holding `identity`, with comments saying what it is. */
export function identityFileText(identity: string, recipient: string, what: string): string {
  return `# ${what}\n# public key: ${recipient}\n${identity}\n`;
}

/** The one identity in an identity file's text (comment lines and blank lines are ignored). */
export function parseIdentityFile(text: string): string {
  const keys = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const [key] = keys;
  if (keys.length !== 1 || key === undefined || !key.startsWith(IDENTITY_PREFIX)) {
    throw new InvalidKeyError('the key file does not hold exactly one age identity');
  }
  identitySecret(key);
  return key;
}
