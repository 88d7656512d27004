import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emptyAssignment,
  removeAssignment,
  resolveAssignment,
  setCurrent,
  stageRoll,
} from './assignment-transitions.ts';
import type { CertificateAssignment } from './certificate-assignment.ts';
import { S2sError } from '../shared/errors.ts';

const T0 = new Date('2030-01-01T00:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3600_000);
const base: CertificateAssignment = {
  ...emptyAssignment('OAuthTokenIssuer', 'global'),
  current: 'A',
  currentSince: T0.toISOString(),
};
const staged: CertificateAssignment = {
  ...base,
  previous: 'P',
  staged: { thumbprint: 'B', effectiveDate: at(48).toISOString() },
};

describe('resolveAssignment(now)', () => {
  const rows: Array<[string, CertificateAssignment, Date, string | null, string | null, string | null]> = [
    ['nothing staged: unchanged', base, at(100), 'A', null, null],
    ['before the effective date: old current still current', staged, at(47), 'A', 'P', 'B'],
    ['at the effective date: staged becomes current, old current previous', staged, at(48), 'B', 'A', null],
    ['long after: same as at the date', staged, at(1000), 'B', 'A', null],
    ['roll with no current: previous kept', { ...staged, current: null }, at(49), 'B', 'P', null],
  ];
  for (const [title, input, now, current, previous, stagedThumb] of rows) {
    test(title, () => {
      const r = resolveAssignment(input, now);
      assert.equal(r.current, current);
      assert.equal(r.previous, previous);
      assert.equal(r.staged?.thumbprint ?? null, stagedThumb);
    });
  }
  test('the switch instant becomes currentSince', () => {
    assert.equal(resolveAssignment(staged, at(50)).currentSince, at(48).toISOString());
  });
});

describe('transitions', () => {
  test('set makes the certificate current at once; old current becomes previous', () => {
    const { assignment } = setCurrent(base, 'C', at(1));
    assert.deepEqual(
      [assignment.current, assignment.previous, assignment.currentSince],
      ['C', 'A', at(1).toISOString()],
    );
  });
  test('set on an empty assignment has no previous', () => {
    const { assignment } = setCurrent(emptyAssignment('Default', 'global'), 'C', T0);
    assert.deepEqual([assignment.current, assignment.previous], ['C', null]);
  });
  test('set cancels a pending roll and says so', () => {
    const r = setCurrent(staged, 'C', at(1));
    assert.equal(r.cancelledStaged, true);
    assert.equal(r.assignment.staged, null);
    assert.equal(r.assignment.previous, 'A');
  });
  test('set after a due roll works on the resolved state', () => {
    const { assignment } = setCurrent(staged, 'C', at(60));
    assert.deepEqual([assignment.current, assignment.previous], ['C', 'B']);
  });
  test('set of the current certificate is idempotent', () => {
    assert.deepEqual(setCurrent(base, 'A', at(1)).assignment, base);
  });
  test('roll stages with its effective date', () => {
    const { assignment } = stageRoll(base, 'B', at(30), at(1));
    assert.deepEqual(assignment.staged, { thumbprint: 'B', effectiveDate: at(30).toISOString() });
    assert.equal(assignment.current, 'A');
  });
  const codes: Array<[string, () => unknown, string]> = [
    ['roll with a past date', () => stageRoll(base, 'B', at(-1), at(0)), 'ERR_CERTIFICATE_ROLL_DATE_PAST'],
    ['roll with now as date', () => stageRoll(base, 'B', at(0), at(0)), 'ERR_CERTIFICATE_ROLL_DATE_PAST'],
    [
      'roll to the current certificate',
      () => stageRoll(base, 'A', at(5), at(0)),
      'ERR_CERTIFICATE_ROLL_SAME',
    ],
    ['remove of nothing', () => removeAssignment(null, false, T0), 'ERR_CERTIFICATE_NOT_ASSIGNED'],
    [
      'remove --previous without previous',
      () => removeAssignment(base, true, T0),
      'ERR_CERTIFICATE_NOT_ASSIGNED',
    ],
  ];
  for (const [title, fn, code] of codes) {
    test(`${title} is ${code}`, () =>
      assert.throws(fn, (e: unknown) => e instanceof S2sError && e.code === code));
  }
  test('remove un-assigns everything; remove --previous only the previous', () => {
    assert.equal(removeAssignment(staged, false, at(1)), null);
    const r = removeAssignment(staged, true, at(1))!;
    assert.deepEqual([r.current, r.previous, r.staged?.thumbprint], ['A', null, 'B']);
  });
  test('remove --previous after a due roll drops the rolled-out certificate', () => {
    const r = removeAssignment(staged, true, at(49))!;
    assert.deepEqual([r.current, r.previous], ['B', null]);
  });
});
