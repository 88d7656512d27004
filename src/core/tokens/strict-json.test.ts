import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonNumberText, decodeUtf8Strict, parseStrictJson } from './strict-json.ts';

const SUITE = new URL('../../../test/corpora/jsontestsuite/test_parsing/', import.meta.url).pathname;

/**
 * Our decision on each implementation-defined (i_) case of JSONTestSuite (docs/tokens.md):
 * numbers that overflow to Infinity, invalid UTF-8/UTF-16 input, lone surrogates, a BOM and nesting
 * deeper than our limit are refused; underflow to 0 and integers beyond 2^53 (rounded) are accepted.
 */
const I_ACCEPTED = new Set([
  'i_number_double_huge_neg_exp.json',
  'i_number_real_underflow.json',
  'i_number_too_big_neg_int.json',
  'i_number_too_big_pos_int.json',
  'i_number_very_big_negative_int.json',
]);

/**
 * y_ cases we refuse on purpose: RFC 8259 §4 only says names SHOULD be unique, but a token with
 * duplicate members means different things to different parsers (RFC 7515 §5.2, RFC 8725 §3.x).
 */
const Y_REFUSED = new Set(['y_object_duplicated_key.json', 'y_object_duplicated_key_and_value.json']);

function parseFile(name: string) {
  return parseStrictJson(decodeUtf8Strict(readFileSync(join(SUITE, name))), { maxDepth: 32 });
}

describe('strict JSON against JSONTestSuite', () => {
  const files = readdirSync(SUITE).sort();

  test('accepts every y_ case except the two duplicate-member ones', () => {
    const ys = files.filter((f) => f.startsWith('y_'));
    assert.equal(ys.length, 95);
    for (const f of ys) {
      if (Y_REFUSED.has(f)) assert.throws(() => parseFile(f), /duplicate/, f);
      else assert.doesNotThrow(() => parseFile(f), f);
    }
  });

  test('refuses every n_ case', () => {
    const ns = files.filter((f) => f.startsWith('n_'));
    assert.equal(ns.length, 188);
    for (const f of ns) assert.throws(() => parseFile(f), Error, f);
  });

  test('decides every i_ case as documented', () => {
    const is = files.filter((f) => f.startsWith('i_'));
    assert.equal(is.length, 35);
    for (const f of is) {
      if (I_ACCEPTED.has(f)) assert.doesNotThrow(() => parseFile(f), f);
      else assert.throws(() => parseFile(f), Error, f);
    }
  });
});

describe('strict JSON safety rules', () => {
  test('refuses duplicate member names, even nested', () => {
    assert.throws(() => parseStrictJson('{"a":1,"a":2}'), /duplicate/);
    assert.throws(() => parseStrictJson('{"x":{"b":1,"b":1}}'), /duplicate/);
    assert.throws(() => parseStrictJson('{"\\u0061":1,"a":2}'), /duplicate/);
  });

  test('refuses __proto__ and builds null-prototype objects', () => {
    assert.throws(() => parseStrictJson('{"__proto__":{"admin":true}}'), /__proto__/);
    assert.throws(() => parseStrictJson('{"__pr\\u006fto__":1}'), /__proto__/);
    const o = parseStrictJson('{"constructor":"x","toString":1}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(o), null);
    assert.equal(o['constructor'], 'x');
  });

  test('limits depth and length', () => {
    assert.throws(() => parseStrictJson('[[[[1]]]]', { maxDepth: 3 }), /deep/);
    assert.doesNotThrow(() => parseStrictJson('[[[1]]]', { maxDepth: 3 }));
    assert.throws(() => parseStrictJson('"abcdef"', { maxLength: 4 }), /too long/);
  });

  test('refuses lone surrogates from escapes but accepts pairs', () => {
    assert.throws(() => parseStrictJson('"\\ud800"'), /surrogate/);
    assert.throws(() => parseStrictJson('"\\udc00\\ud800"'), /surrogate/);
    assert.equal(parseStrictJson('"\\ud834\\udd1e"'), '\u{1d11e}');
  });

  test('keeps number lexemes when asked', () => {
    const o = parseStrictJson('{"exp":1.5e3}', { keepNumberText: true }) as Record<string, unknown>;
    assert.ok(o['exp'] instanceof JsonNumberText);
    assert.equal(o['exp'].text, '1.5e3');
    assert.equal(o['exp'].value, 1500);
  });
});
