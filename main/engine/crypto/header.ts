/**
 * The age v1 header (https://age-encryption.org/v1): built and opened with `age-encryption`'s public
 * API, so the X25519 stanza and the header MAC are the library's, not ours. The payload after it is
 * handled natively in payload.ts because the library's pure-JS cipher is ten times slower.
 */
import { Decrypter, Encrypter, type Identity, type Recipient, type Stanza } from 'age-encryption';
import { CryptoError, DamagedCiphertextError, InvalidKeyError, WrongKeyError } from './errors.js';

const VERSION_LINE = 'age-encryption.org/v1\n';
/** Headers larger than this are refused (ours are 168 bytes; a header naming 100 recipients is ~15 KiB). */
export const MAX_HEADER_SIZE = 64 * 1024;
const NL = 0x0a;

/**
 * Length of the age header at the start of `buf` (through the newline of its `--- MAC` line), or
 * `undefined` when more bytes are needed. Throws DamagedCiphertextError when `buf` cannot start an age file.
 */
export function scanHeader(buf: Uint8Array): number | undefined {
  const prefix = Math.min(buf.length, VERSION_LINE.length);
  for (let i = 0; i < prefix; i++) {
    if (buf[i] !== VERSION_LINE.charCodeAt(i))
      throw new DamagedCiphertextError('not an age file (bad first line)');
  }
  let lineStart = VERSION_LINE.length;
  while (lineStart < buf.length) {
    const end = buf.indexOf(NL, lineStart);
    if (end < 0) break;
    // Stanza lines start with "-> " and bodies are base64 (no '-'), so the first "--- " line is the MAC line.
    if (buf[lineStart] === 0x2d && buf[lineStart + 1] === 0x2d && buf[lineStart + 2] === 0x2d) {
      return end + 1;
    }
    lineStart = end + 1;
  }
  if (buf.length >= MAX_HEADER_SIZE)
    throw new DamagedCiphertextError('no age header end in the first 64 KiB');
  return undefined;
}

/** An age recipient: an `age1…` string, or a Recipient object (the passphrase recipient of passphrase.ts). */
export type AgeRecipient = string | Recipient;
/** An age identity: an `AGE-SECRET-KEY-1…` string, or an Identity object (passphrase.ts). */
export type AgeIdentity = string | Identity;

/**
 * A fresh header for one file encrypted to `recipient`, and the random file key it wraps.
 * The library does not hand out the file key, so a second recipient that adds no stanza records it:
 * the public Recipient interface receives exactly the key the header protects.
 */
export async function sealHeader(recipient: AgeRecipient): Promise<{ header: Buffer; fileKey: Uint8Array }> {
  let fileKey: Uint8Array | undefined;
  const keyTap: Recipient = {
    wrapFileKey(key: Uint8Array): Stanza[] {
      fileKey = Uint8Array.from(key);
      return [];
    },
  };
  const enc = new Encrypter();
  try {
    enc.addRecipient(recipient);
  } catch (err) {
    throw new InvalidKeyError(`not an age recipient: ${(err as Error).message}`);
  }
  enc.addRecipient(keyTap);
  // An empty file is header || 16-byte nonce || 16-byte tag; only the header is kept.
  const empty = Buffer.from(await enc.encrypt(new Uint8Array(0)));
  const size = scanHeader(empty);
  if (fileKey === undefined || size === undefined || size + 32 !== empty.length) {
    throw new Error('age-encryption produced an unexpected layout (library version change?)');
  }
  return { header: empty.subarray(0, size), fileKey };
}

/** A Decrypter for `identity`, or InvalidKeyError when the identity string is malformed. */
function decrypterFor(identity: AgeIdentity): Decrypter {
  const dec = new Decrypter();
  try {
    dec.addIdentity(identity);
  } catch (err) {
    throw new InvalidKeyError(`not an age identity: ${(err as Error).message}`);
  }
  return dec;
}

/** Throws InvalidKeyError unless `identity` is a well-formed age identity. */
export function checkIdentity(identity: AgeIdentity): void {
  decrypterFor(identity);
}

/**
 * The file key of a complete header, after checking its MAC. Throws WrongKeyError (naming `whose`)
 * when no stanza is for `identity`, DamagedCiphertextError when the header is malformed or its MAC
 * does not match. An Identity object may throw its own CryptoError (a wrong passphrase), passed on.
 */
export async function openHeader(
  header: Uint8Array,
  identity: AgeIdentity,
  whose: string,
): Promise<Uint8Array> {
  const dec = decrypterFor(identity);
  // Tried after the real identity: reached only when it matched no stanza.
  let noneMatched = false;
  dec.addIdentity({
    unwrapFileKey() {
      noneMatched = true;
      return null;
    },
  });
  try {
    return await dec.decryptHeader(header);
  } catch (err) {
    if (err instanceof CryptoError) throw err;
    if (noneMatched) throw new WrongKeyError(`not encrypted to ${whose} (or its header is damaged)`);
    throw new DamagedCiphertextError(`bad age header: ${(err as Error).message}`, { cause: err });
  }
}
