/**
 * Bech32 decoding (BIP 173, without its 90-character limit, as age uses it for `AGE-SECRET-KEY-1…`
 * and `age1…`). Needed to get the raw key bytes (for the name key) and to tell a typo in a typed
 * recovery key from a wrong one: the checksum catches any single mistyped character.
 */
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ GENERATOR[i]!) >>> 0;
  }
  return chk;
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >>> 5), 0, ...codes.map((c) => c & 31)];
}

/** Checks a Bech32 string and returns its human-readable part (lower case) and its 5-bit data words. */
export function bech32DecodeWords(text: string): { hrp: string; words: number[] } {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) throw new Error('mixed case');
  const s = text.toLowerCase();
  const sep = s.lastIndexOf('1');
  if (sep < 1 || s.length - sep - 1 < 6) throw new Error('no separator or too short');
  const hrp = s.slice(0, sep);
  for (const c of hrp) {
    const code = c.charCodeAt(0);
    if (code < 33 || code > 126) throw new Error('invalid character in prefix');
  }
  const data: number[] = [];
  for (const c of s.slice(sep + 1)) {
    const v = CHARSET.indexOf(c);
    if (v < 0) throw new Error(`invalid character ${JSON.stringify(c)}`);
    data.push(v);
  }
  if (polymod([...hrpExpand(hrp), ...data]) !== 1) throw new Error('checksum mismatch');
  return { hrp, words: data.slice(0, -6) };
}

/** 5-bit words to bytes, without padding: leftover bits must be fewer than 5 and all zero. */
export function wordsToBytes(words: number[]): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const v of words) {
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >>> bits) & 0xff);
    }
  }
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) throw new Error('invalid padding');
  return Uint8Array.from(out);
}

/** Decodes a Bech32 string into its human-readable part (lower case) and its bytes; throws on any error. */
export function bech32Decode(text: string): { hrp: string; bytes: Uint8Array } {
  const { hrp, words } = bech32DecodeWords(text);
  return { hrp, bytes: wordsToBytes(words) };
}
