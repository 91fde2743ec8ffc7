/**
 * age's scrypt passphrase recipient and identity (https://age-encryption.org/v1, "scrypt recipient
 * stanza"), with node:crypto's scrypt, which runs on libuv's thread pool: unlocking at the default
 * work factor takes seconds and must not freeze the engine. The files are standard age files that
 * `age -d` opens with the passphrase.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { Stanza, type Identity, type Recipient } from 'age-encryption';
import { DamagedCiphertextError, WrongPassphraseError } from './errors.js';

/** age's default: 2^18 iterations, about 3 s and 256 MiB on a laptop. */
export const DEFAULT_SCRYPT_WORK_FACTOR = 18;
/** The highest work factor accepted when reading (as age-encryption; 2^20 needs 1 GiB of memory). */
export const MAX_SCRYPT_WORK_FACTOR = 20;

const LABEL = 'age-encryption.org/v1/scrypt';
const ZERO_NONCE = Buffer.alloc(12);

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

function unb64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return b64(bytes) === text ? bytes : undefined;
}

function deriveWrapKey(passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  const input = Buffer.concat([Buffer.from(LABEL), salt]);
  return new Promise((resolve, reject) =>
    scrypt(passphrase, input, 32, { N, r: 8, p: 1, maxmem: 130 * N * 8 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Wraps a file key under a passphrase: one `-> scrypt <salt> <logN>` stanza. */
export class PassphraseRecipient implements Recipient {
  constructor(
    private readonly passphrase: string,
    private readonly logN = DEFAULT_SCRYPT_WORK_FACTOR,
  ) {
    if (!Number.isInteger(logN) || logN < 1 || logN > MAX_SCRYPT_WORK_FACTOR) {
      throw new Error(`scrypt work factor must be 1..${MAX_SCRYPT_WORK_FACTOR}, not ${logN}`);
    }
  }

  async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
    const salt = randomBytes(16);
    const key = await deriveWrapKey(this.passphrase, salt, this.logN);
    const c = createCipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 });
    const body = Buffer.concat([c.update(fileKey), c.final(), c.getAuthTag()]);
    return [new Stanza(['scrypt', b64(salt), String(this.logN)], body)];
  }
}

/**
 * Unwraps a file key with a passphrase. Ignores headers without a scrypt stanza (returns null);
 * throws WrongPassphraseError when the stanza is there but the passphrase does not open it.
 */
export class PassphraseIdentity implements Identity {
  constructor(private readonly passphrase: string) {}

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    const stanza = stanzas.find((s) => s.args[0] === 'scrypt');
    if (!stanza) return null;
    // The spec forbids mixing: a passphrase file must not also open with some other key.
    if (stanzas.length !== 1) throw new DamagedCiphertextError('a scrypt stanza must be the only one');
    const [, saltText = '', logNText = ''] = stanza.args;
    const salt = unb64(saltText);
    if (stanza.args.length !== 3 || salt?.length !== 16 || !/^[1-9][0-9]*$/.test(logNText)) {
      throw new DamagedCiphertextError('malformed scrypt stanza');
    }
    const logN = Number(logNText);
    if (logN > MAX_SCRYPT_WORK_FACTOR) {
      throw new DamagedCiphertextError(
        `scrypt work factor ${logN} is above the limit ${MAX_SCRYPT_WORK_FACTOR}`,
      );
    }
    if (stanza.body.length !== 32) throw new DamagedCiphertextError('malformed scrypt stanza body');
    const key = await deriveWrapKey(this.passphrase, salt, logN);
    const d = createDecipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 });
    d.setAuthTag(stanza.body.subarray(16));
    const fileKey = d.update(stanza.body.subarray(0, 16));
    try {
      d.final();
    } catch {
      throw new WrongPassphraseError();
    }
    return fileKey;
  }
}
