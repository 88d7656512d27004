import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshPostgresUrl } from '../../test/fixtures/postgres.ts';
import { openStore } from './open-store.ts';

test('a file path or file: URL opens the SQLite store', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-open-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const location of [join(dir, 'a.db'), pathToFileURL(join(dir, 'b.db')).href]) {
    const store = await openStore(location);
    assert.equal(store.dialect, 'sqlite');
    await store.close();
  }
});

test('a postgres:// URL opens the PostgreSQL store, shown without credentials', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  const store = await openStore(url);
  t.after(() => store.close());
  assert.equal(store.dialect, 'postgres');
  assert.match(store.location, /^postgres:\/\/127\.0\.0\.1:5432\/test\?schema=s2s_t_/);
});

test('another scheme or an empty location is ERR_STORE_URL, without echoing credentials', async () => {
  for (const location of ['mysql://root:hunter2@db/x', 'sqlite://x.db', 'redis:x', '  ']) {
    await assert.rejects(openStore(location), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_STORE_URL', location);
      assert.ok(!err.message.includes('hunter2'));
      return true;
    });
  }
});
