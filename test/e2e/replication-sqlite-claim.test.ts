import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/index.ts';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqlite-document-store.ts';
import { claimSingleNodeStore } from '../../src/replication/index.ts';

test('a SQLite store is claimed by its first node; another --node is refused with ERR_SQLITE_SECOND_NODE', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-claim-'));
  const store = SqliteDocumentStore.open(join(dir, 's2s.db'));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await claimSingleNodeStore(store, 'fe1.contoso.com', systemClock);
  await claimSingleNodeStore(store, 'fe1.contoso.com', systemClock); // the owner again: fine
  await assert.rejects(claimSingleNodeStore(store, 'fe2.contoso.com', systemClock), (err: unknown) => {
    const e = err as { code?: string; message: string };
    assert.equal(e.code, 'ERR_SQLITE_SECOND_NODE');
    assert.match(e.message, /belongs to node fe1\.contoso\.com.*postgres/);
    return true;
  });
  assert.deepEqual(
    (await store.list('node')).map((d) => d.key),
    ['fe1.contoso.com'],
  );
});
