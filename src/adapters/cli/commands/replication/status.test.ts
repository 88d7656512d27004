import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appliedVersionText } from './status.ts';

test('replication status never shows an up-to-date node below the head without saying why', () => {
  assert.equal(appliedVersionText({ appliedVersion: 57, upToDate: true }, 57), '57');
  assert.equal(
    appliedVersionText({ appliedVersion: 41, upToDate: true }, 57),
    '41 (head 57: the later versions are node heartbeats, nothing to apply)',
  );
  assert.equal(appliedVersionText({ appliedVersion: 41, upToDate: false }, 57), '41 (head 57)');
});
