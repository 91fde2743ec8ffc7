/**
 * Object names for encrypted repositories: a keyed hash of the content's SHA-256, so a name reveals
 * nothing about the photo (not even whether a known file is stored) while equal content still gets
 * equal names within one repository, which keeps deduplication.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { identitySecret } from './identity.js';

/** HKDF info string of the name key; a new scheme gets a new string. */
export const NAME_KEY_INFO = 'keepsake object names v1';

/** The repository's name key: HKDF-SHA-256(ikm = the identity's 32-byte X25519 secret, no salt, info). */
export function nameKey(identity: string): Buffer {
  return Buffer.from(hkdfSync('sha256', identitySecret(identity), Buffer.alloc(0), NAME_KEY_INFO, 32));
}

/** The object name (lower-case hex) of content with SHA-256 `sha256hex`: HMAC-SHA-256 over the 32 digest bytes. */
export function objectName(key: Uint8Array, sha256hex: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256hex)) throw new Error(`not a SHA-256: ${sha256hex}`);
  if (key.length !== 32) throw new Error('the name key must be 32 bytes');
  return createHmac('sha256', key).update(Buffer.from(sha256hex, 'hex')).digest('hex');
}
