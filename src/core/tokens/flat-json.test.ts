import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { claimRecordOf, RECORDED_CLAIMS } from './claim-record.ts';
import { parseFlatClaimsBytes, parseFlatJson, parseFlatJsonBytes } from './flat-json.ts';
import { decodeUtf8Strict, parseStrictJsonGeneral } from './strict-json.ts';
import type { JsonObject, JsonValue } from './strict-json.ts';

const SUITE = new URL('../../../test/corpora/jsontestsuite/test_parsing/', import.meta.url).pathname;
const OPTIONS = { maxDepth: 4, keepNumberText: true };

/** The general parser's verdict on bytes: the value, or REFUSED. */
const REFUSED = Symbol('refused');
function general(bytes: Uint8Array): JsonValue | typeof REFUSED {
  try {
    return parseStrictJsonGeneral(decodeUtf8Strict(bytes), { ...OPTIONS, maxLength: bytes.length });
  } catch {
    return REFUSED;
  }
}

/**
 * The fast path may only answer with exactly what the general parser builds; else it must defer. The
 * claim scanner answers exactly when the object scanner does, with the record of the general parser's
 * object (claim-record.ts).
 */
function assertAgrees(bytes: Uint8Array, label: string): 'fast' | 'deferred' {
  const fast = parseFlatJsonBytes(bytes, { ...OPTIONS, maxLength: bytes.length });
  const fromText = parseFlatJson(Buffer.from(bytes).toString('latin1'), {
    ...OPTIONS,
    maxLength: bytes.length,
  });
  const record = parseFlatClaimsBytes(bytes, { ...OPTIONS, maxLength: bytes.length });
  assert.equal(record === undefined, fast === undefined, `${label}: the claim scanner decides alike`);
  if (fast === undefined) return 'deferred';
  const reference = general(bytes);
  assert.notEqual(reference, REFUSED, `${label}: fast path accepted what the general parser refuses`);
  assert.deepEqual(fast, reference, label);
  assert.equal(Object.getPrototypeOf(fast), null, label);
  assert.deepEqual(fromText, fast, label);
  assert.deepEqual(record, claimRecordOf(reference as JsonObject, bytes), label);
  return 'fast';
}

/** A deterministic generator (no Math.random: failures must reproduce). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 0x100000000;
  };
}

const PIECES = [
  '{',
  '}',
  '"',
  ':',
  ',',
  ' ',
  '\t',
  '\n',
  '\\',
  '\\"',
  '\\u0061',
  'a',
  'aud',
  '__proto__',
  '0',
  '1',
  '-',
  '.',
  'e',
  '12345678901234567',
  'true',
  'false',
  'null',
  '[',
  ']',
  'é',
  '\u0000',
  '\u007f',
  'x5t',
];

const TOKEN_NAMES = ['aud', 'iss', 'nbf', 'exp', 'nameid', 'x', 'aud', '0'];
/** Every recorded claim, names that differ from one by a character or its length, and other names. */
const CLAIM_NAMES = [
  ...RECORDED_CLAIMS,
  ...RECORDED_CLAIMS.map((n) => n.slice(0, -1)),
  ...RECORDED_CLAIMS.map((n) => `${n}x`),
  ...RECORDED_CLAIMS.map((n) => n.toUpperCase()),
  'aux',
  'isx',
  'smtq',
  'x',
  'identityprovider',
  '__proto__',
  '0',
];

/** A token-like flat object, then mutated by inserting, deleting or replacing pieces. */
function fuzzCase(next: () => number, names = TOKEN_NAMES): Buffer {
  const n = Math.floor(next() * 8);
  const members: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = names[Math.floor(next() * names.length)]!;
    const value = [`"v${i}"`, '1780315200', '"1780315200"', 'true', 'null', '-0', '01', '1.5', '"a b"'][
      Math.floor(next() * 9)
    ]!;
    members.push(`"${name}"${next() < 0.2 ? ' : ' : ':'}${value}`);
  }
  let text = `{${members.join(next() < 0.2 ? ' , ' : ',')}}`;
  for (let k = Math.floor(next() * 3); k > 0; k--) {
    const at = Math.floor(next() * (text.length + 1));
    const piece = PIECES[Math.floor(next() * PIECES.length)]!;
    const op = next();
    text =
      op < 0.4
        ? text.slice(0, at) + piece + text.slice(at)
        : op < 0.7
          ? text.slice(0, at) + text.slice(at + 1)
          : text.slice(0, at) + piece + text.slice(at + piece.length);
  }
  return Buffer.from(text, 'utf8');
}

describe('flat JSON fast path agrees with the general parser', () => {
  test('on every JSONTestSuite file: same value when it answers, never accepts a refusal', () => {
    const counts = { fast: 0, deferred: 0 };
    for (const f of readdirSync(SUITE).sort()) counts[assertAgrees(readFileSync(join(SUITE, f)), f)]++;
    // Most files are not flat objects; the few that are (y_object*, …) must come out identical.
    assert.equal(counts.fast + counts.deferred, 318);
    assert.ok(counts.fast >= 4, `the fast path answered ${counts.fast} files`);
  });

  test('on 20 000 fuzzed token-like payloads', () => {
    const next = prng(20261122);
    const counts = { fast: 0, deferred: 0 };
    for (let i = 0; i < 20_000; i++) counts[assertAgrees(fuzzCase(next), `case ${i}`)]++;
    assert.ok(counts.fast > 2_000 && counts.deferred > 2_000, JSON.stringify(counts));
  });

  test('on 20 000 fuzzed claim sets naming every recorded claim and its near misses', () => {
    const next = prng(20261203);
    const counts = { fast: 0, deferred: 0 };
    for (let i = 0; i < 20_000; i++) counts[assertAgrees(fuzzCase(next, CLAIM_NAMES), `claims case ${i}`)]++;
    assert.ok(counts.fast > 2_000 && counts.deferred > 2_000, JSON.stringify(counts));
  });

  test('answers for the claim sets tokens carry', () => {
    const claims = {
      aud: 'a/b@c',
      iss: 'x@c',
      nbf: '1780315200',
      exp: 1780344000,
      trustedfordelegation: 'true',
    };
    const fast = parseFlatJsonBytes(Buffer.from(JSON.stringify(claims)), OPTIONS);
    assert.ok(fast);
    assert.equal(fast['aud'], 'a/b@c');
    assert.deepEqual(fast['exp'], parseStrictJsonGeneral('1780344000', OPTIONS));
    const record = parseFlatClaimsBytes(Buffer.from(JSON.stringify(claims)), OPTIONS);
    assert.ok(record);
    assert.equal(record.aud, 'a/b@c');
    assert.equal(record.nbf, '1780315200');
    assert.deepEqual(record.exp, parseStrictJsonGeneral('1780344000', OPTIONS));
    assert.equal(record.trustedfordelegation, 'true');
    assert.equal(record.nameid, undefined);
    assert.equal(record.members, 5);
  });

  test('defers duplicates, __proto__, escapes, nesting, fractions, long integers and excess members', () => {
    for (const text of [
      '{"a":"1","a":"2"}',
      '{"__proto__":"x"}',
      '{"a":"\\u0062"}',
      '{"a":{"b":"c"}}',
      '{"a":1.5}',
      '{"a":1e3}',
      '{"a":1234567890123456}',
      '{"a":01}',
      '{"a":"b"}x',
      '{"a":"b",}',
      '\t{"a":"b"}',
      '{"a":"é"}',
      '{"aud":"1","aud":"2"}',
      '{"nameid":"1","x":"2","nameid":"3"}',
      '{"x":"1","aud":"2","x":"3"}',
    ]) {
      assert.equal(parseFlatJson(text, OPTIONS), undefined, text);
      assert.equal(parseFlatClaimsBytes(Buffer.from(text), OPTIONS), undefined, text);
    }
    assert.equal(parseFlatJson('{"a":"1","b":"2"}', { maxMembers: 1 }), undefined);
    assert.equal(parseFlatClaimsBytes(Buffer.from('{"aud":"1","iss":"2"}'), { maxMembers: 1 }), undefined);
    assert.ok(parseFlatClaimsBytes(Buffer.from('{"aud":"1","iss":"2"}'), { maxMembers: 2 }));
    assert.equal(parseFlatJson('{"a":"1"}', { maxDepth: 0 }), undefined);
    assert.equal(parseFlatJson('{"a":"1"}', { maxLength: 5 }), undefined);
  });
});
