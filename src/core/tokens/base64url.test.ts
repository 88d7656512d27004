import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeBase64UrlCanonical } from './base64url.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The definition, character by character: alphabet only, length not 1 mod 4, zero unused bits. */
function referenceCanonical(segment: string): boolean {
  if (segment.length % 4 === 1) return false;
  for (const c of segment) if (!ALPHABET.includes(c)) return false;
  const rest = segment.length % 4;
  if (rest === 0) return true;
  const last = ALPHABET.indexOf(segment[segment.length - 1]!);
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

const ODD = [
  '+',
  '/',
  '=',
  ' ',
  '\t',
  '\n',
  '.',
  '\u0000',
  '\u007f',
  'é',
  'Ł',
  'Ā',
  '\u0141',
  '\ud800',
  '😀',
  '%',
];

describe('canonical base64url (native checks) agrees with the character-by-character definition', () => {
  test('on random canonical encodings and single-character corruptions of them', () => {
    let seen = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytes(i % 67);
      const good = bytes.toString('base64url');
      assert.deepEqual(decodeBase64UrlCanonical(good), bytes, good);
      const at = i % (good.length + 1);
      const bad = good.slice(0, at) + ODD[i % ODD.length]! + good.slice(at + (i % 2));
      const verdict = decodeBase64UrlCanonical(bad);
      assert.equal(verdict !== null, referenceCanonical(bad), JSON.stringify(bad));
      if (verdict) assert.equal(verdict.toString('base64url'), bad);
      seen++;
    }
    assert.equal(seen, 3000);
  });

  test('on every string of up to 3 characters over a mixed alphabet', () => {
    const chars = ['A', 'B', 'Q', 'g', 'w', '0', '-', '_', ...ODD];
    const all = [''];
    for (let len = 1; len <= 3; len++)
      for (const prefix of all.filter((s) => [...s].length === len - 1))
        for (const c of chars) all.push(prefix + c);
    for (const s of all)
      assert.equal(decodeBase64UrlCanonical(s) !== null, referenceCanonical(s), JSON.stringify(s));
  });

  test('refuses padding, the base64 alphabet, white space, non-zero trailing bits and non-ASCII look-alikes', () => {
    for (const s of ['QQ==', 'QQ', 'a+b/', 'QR', 'QUI', 'QUJ', 'Q Q', 'AAŁA', 'AAA']) {
      assert.equal(decodeBase64UrlCanonical(s) !== null, referenceCanonical(s), s);
    }
    assert.equal(decodeBase64UrlCanonical('AAŁA'), null); // Node would read Ł as A
  });
});
