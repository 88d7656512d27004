import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VersionedAnswers } from './versioned-answers.ts';

const answers = (maxSize = 100) => new VersionedAnswers<string>({ maxSize, sizeOf: (s) => s.length });

test('an answer is kept for its version only; a newer version drops every answer', () => {
  const a = answers();
  a.set(3, 'k', 'one');
  assert.equal(a.get(3, 'k'), 'one');
  assert.equal(a.get(4, 'k'), undefined, 'another version never sees it');
  a.set(4, 'j', 'two');
  assert.equal(a.get(4, 'k'), undefined, 'dropped with its version');
  assert.equal(a.get(3, 'k'), undefined);
  a.set(3, 'k', 'stale');
  assert.equal(a.get(3, 'k'), undefined, 'an answer computed at an older version is not kept');
  assert.equal(a.get(4, 'j'), 'two');
});

test('bounded by total size: the oldest go first, an answer over a quarter of the bound is not kept', () => {
  const a = answers(40);
  for (let i = 0; i < 5; i++) a.set(1, `k${i}`, 'x'.repeat(10));
  assert.equal(a.get(1, 'k0'), undefined);
  assert.equal(a.get(1, 'k1'), 'x'.repeat(10));
  assert.equal(a.get(1, 'k4'), 'x'.repeat(10));
  a.set(1, 'big', 'y'.repeat(11));
  assert.equal(a.get(1, 'big'), undefined);
  a.set(1, 'k4', 'z');
  assert.equal(a.get(1, 'k4'), 'z', 'replaced in place');
});
