import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryDocumentStore } from '../../store/memory/memory-document-store.ts';
import { ChangeCapturingStore, captureChanges } from './change-capture.ts';

const put = (key: string) => ({
  op: 'put' as const,
  kind: 'user' as const,
  key,
  body: { key },
  expect: 'absent' as const,
});

test('overlapping captures each get their own writes; a capture after all have ended still captures', async () => {
  const store = new ChangeCapturingStore(new MemoryDocumentStore());
  const a = captureChanges(async () => {
    await store.write([put('a1')]);
    await sleep(20);
    await store.write([put('a2')]);
  });
  const b = captureChanges(async () => {
    await sleep(5);
    await store.write([put('b1')]);
  });
  const [ra, rb] = await Promise.all([a, b]);
  assert.deepEqual(
    ra.changes.map((c) => c.key),
    ['a1', 'a2'],
  );
  assert.deepEqual(
    rb.changes.map((c) => c.key),
    ['b1'],
  );
  await store.write([put('outside')]); // no capture running: only delegated
  const later = await captureChanges(async () => store.write([put('c1')]));
  assert.deepEqual(
    later.changes.map((c) => [c.key, c.before, c.after]),
    [['c1', null, { key: 'c1' }]],
  );
  const failed = await captureChanges(async () => {
    await store.write([put('d1')]);
    throw new Error('refused');
  });
  assert.equal((failed.error as Error).message, 'refused');
  assert.deepEqual(
    failed.changes.map((c) => c.key),
    ['d1'],
  );
});
