import { describe, expect, it } from 'vitest';
import { bech32Decode, bech32DecodeWords, wordsToBytes } from './bech32.js';

// Test vectors from BIP 173.
const valid = [
  'A12UEL5L',
  'a12uel5l',
  'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
  'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
  '11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j',
  'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w',
];
const invalid = [
  'pzry9x0s0muk', // no separator
  '1pzry9x0s0muk', // empty prefix
  'x1b4n0q5v', // invalid data character
  'li1dgmt3', // too short checksum
  'A1G7SGD8', // checksum computed with upper-case prefix
  '10a06t8', // empty prefix
  '1qzzfhee', // empty prefix
  'A12uEL5L', // mixed case
  'split1checkupstagehandshakeupstreamerranterredcaperred2y9e2w', // last character changed
];

describe('bech32Decode', () => {
  it.each(valid)('accepts the checksum of %s', (s) => {
    expect(() => bech32DecodeWords(s)).not.toThrow();
  });
  it.each(invalid)('refuses %s', (s) => {
    expect(() => bech32DecodeWords(s)).toThrow();
    expect(() => bech32Decode(s)).toThrow();
  });
  it('decodes a segwit address payload to its bytes', () => {
    // BIP 173: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 is witness v0 + 751e76e8199196d454941c45d1b3a323f1433bd6,
    // so the data after the version character decodes to those 20 bytes.
    const { hrp, words } = bech32DecodeWords('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4');
    expect(hrp).toBe('bc');
    expect(words[0]).toBe(0);
    expect(Buffer.from(wordsToBytes(words.slice(1))).toString('hex')).toBe(
      '751e76e8199196d454941c45d1b3a323f1433bd6',
    );
    // Leftover non-zero bits are refused (the whole data part of this address is not byte-aligned).
    expect(() => bech32Decode('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')).toThrow(/padding/);
  });
});
