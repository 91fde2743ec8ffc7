import { createHash, createHmac, createPublicKey, createPrivateKey } from 'node:crypto';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { bech32Decode } from './bech32.js';
import { identitySecret } from './identity.js';
import { NAME_KEY_INFO, nameKey, objectName } from './names.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** RFC 5869 HKDF-SHA-256 for one 32-byte block, written out with HMAC: an independent check of nameKey. */
function hkdf32(ikm: Uint8Array, info: string): Buffer {
  const prk = createHmac('sha256', Buffer.alloc(32)).update(ikm).digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from(info), Buffer.from([1])]))
    .digest();
}

describe('object names', () => {
  it('are deterministic per repository, so equal content deduplicates', async () => {
    const id = await generateX25519Identity();
    const h = sha('IMG_0001.CR3 content');
    expect(objectName(nameKey(id), h)).toBe(objectName(nameKey(id), h));
    expect(objectName(nameKey(id), h)).toMatch(/^[0-9a-f]{64}$/);
    expect(objectName(nameKey(id), sha('other'))).not.toBe(objectName(nameKey(id), h));
  });

  it('differ across repositories and reveal nothing of the plain SHA-256', async () => {
    const [a, b] = [await generateX25519Identity(), await generateX25519Identity()];
    const h = sha('same photo in two repositories');
    const na = objectName(nameKey(a), h);
    expect(na).not.toBe(objectName(nameKey(b), h));
    expect(na).not.toBe(h);
    expect(na).not.toBe(sha(h));
    expect(na).not.toBe(createHash('sha256').update(Buffer.from(h, 'hex')).digest('hex'));
  });

  it('are HMAC-SHA-256 under HKDF-SHA-256(identity secret, "keepsake object names v1") over the digest bytes', async () => {
    const id = await generateX25519Identity();
    const key = hkdf32(identitySecret(id), NAME_KEY_INFO);
    expect(nameKey(id).equals(key)).toBe(true);
    const h = sha('x');
    expect(objectName(key, h)).toBe(createHmac('sha256', key).update(Buffer.from(h, 'hex')).digest('hex'));
  });

  it('use the real X25519 secret: it yields the recipient age computes', async () => {
    const id = await generateX25519Identity();
    const secret = identitySecret(id);
    // PKCS#8 wrapping of a raw X25519 private key; node derives the public key from it.
    const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), secret]);
    const pub = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
    const x = Buffer.from(pub.export({ format: 'jwk' }).x!, 'base64url');
    const recipient = bech32Decode(await identityToRecipient(id));
    expect(recipient.hrp).toBe('age');
    expect(Buffer.from(recipient.bytes).equals(x)).toBe(true);
  });

  it('refuse a malformed hash or key', async () => {
    const key = nameKey(await generateX25519Identity());
    expect(() => objectName(key, 'ABC')).toThrow(/not a SHA-256/);
    expect(() => objectName(key, sha('x').toUpperCase())).toThrow(/not a SHA-256/);
    expect(() => objectName(key.subarray(0, 16), sha('x'))).toThrow();
    expect(() => nameKey('AGE-SECRET-KEY-1NOPE')).toThrow(/age identity/);
  });
});
