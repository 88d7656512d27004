import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { put, rejectsWith } from '../contract/document-store-contract.ts';
import { SqliteDocumentStore } from './sqlite-document-store.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 's2s-sqlite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('creates the data directory 0700 and the store file 0600, in WAL mode, migrated', async (t) => {
  const path = join(tempDir(t), 'home', 'store.db');
  const store = SqliteDocumentStore.open(path);
  t.after(() => store.close());
  assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  await store.write([put('user', 'a', 1)]);
  assert.equal(
    statSync(`${path}-wal`).mode & 0o777,
    0o600,
    'SQLite gives the WAL file the database file mode',
  );
  const raw = new Database(path, { readonly: true });
  t.after(() => raw.close());
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  assert.deepEqual(
    raw.prepare('SELECT version FROM schema_migrations').all(),
    SQLITE_MIGRATIONS.map((m) => ({ version: m.version })),
  );
});

test('opening the same file again applies no migration twice', async (t) => {
  const path = join(tempDir(t), 'store.db');
  const stores = [
    SqliteDocumentStore.open(path),
    SqliteDocumentStore.open(path),
    SqliteDocumentStore.open(path),
  ];
  t.after(() => Promise.all(stores.map((s) => s.close())));
  await stores[0]!.write([put('user', 'a', 1)]);
  assert.equal(await stores[2]!.headVersion(), 1);
});

test('a store migrated by a newer s2s is refused with ERR_STORE_SCHEMA_TOO_NEW', async (t) => {
  const path = join(tempDir(t), 'store.db');
  await SqliteDocumentStore.open(path).close();
  const raw = new Database(path);
  raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
  raw.close();
  assert.throws(() => SqliteDocumentStore.open(path), { code: 'ERR_STORE_SCHEMA_TOO_NEW' });
});

test('a file that is not SQLite is refused with ERR_STORE_CORRUPT', async (t) => {
  const path = join(tempDir(t), 'store.db');
  writeFileSync(
    path,
    'this is not a database, just some text that is long enough to have a header'.repeat(20),
  );
  assert.throws(() => SqliteDocumentStore.open(path), { code: 'ERR_STORE_CORRUPT' });
});

test('a path that cannot be created is ERR_STORE_UNAVAILABLE', async (t) => {
  const file = join(tempDir(t), 'plain-file');
  writeFileSync(file, '');
  assert.throws(() => SqliteDocumentStore.open(join(file, 'store.db')), { code: 'ERR_STORE_UNAVAILABLE' });
});

test('a write lock held past the busy timeout is ERR_STORE_BUSY and writes nothing', async (t) => {
  const path = join(tempDir(t), 'store.db');
  const store = SqliteDocumentStore.open(path, { busyTimeoutMs: 50 });
  t.after(() => store.close());
  const holder = new Database(path);
  holder.exec('BEGIN IMMEDIATE');
  await rejectsWith(store.write([put('user', 'a', 1)]), 'ERR_STORE_BUSY');
  holder.exec('ROLLBACK');
  holder.close();
  assert.equal((await store.write([put('user', 'a', 1)])).version, 1);
});

test('a damaged body is reported as ERR_STORE_CORRUPT naming the document', async (t) => {
  const path = join(tempDir(t), 'store.db');
  const store = SqliteDocumentStore.open(path);
  t.after(() => store.close());
  await store.write([put('partner', 'p1', { a: 1 })]);
  const raw = new Database(path);
  raw.prepare("UPDATE documents SET body = '{broken' WHERE key = 'p1'").run();
  raw.close();
  await rejectsWith(store.get('partner', 'p1'), 'ERR_STORE_CORRUPT');
});

test('knownHeadVersion: exact and synchronous, for commits through this connection and through another process', async (t) => {
  const path = join(tempDir(t), 'store.db');
  const a = SqliteDocumentStore.open(path);
  const b = SqliteDocumentStore.open(path); // another connection: what another process sees
  t.after(async () => {
    await a.close();
    await b.close();
  });
  assert.equal(a.knownHeadVersion(), 0);
  const own = await a.write([put('user', 'a', 1)]);
  assert.equal(a.knownHeadVersion(), own.version, 'its own commit');
  assert.equal(a.knownHeadVersion(), await a.headVersion());
  const other = await b.write([put('user', 'b', 1)]);
  assert.equal(a.knownHeadVersion(), other.version, 'a commit by another connection, at once');
  assert.equal(b.knownHeadVersion(), other.version);
  for (let i = 0; i < 5; i++) await (i % 2 ? a : b).write([put('user', `c${i}`, i)]);
  assert.equal(a.knownHeadVersion(), await b.headVersion());
  assert.equal(b.knownHeadVersion(), await a.headVersion());
});

test('knownHeadVersion: a commit by another process is seen from the next event-loop turn on', async (t) => {
  const path = join(tempDir(t), 'store.db');
  const a = SqliteDocumentStore.open(path);
  t.after(() => a.close());
  await a.write([put('user', 'a', 1)]);
  const before = a.knownHeadVersion(); // checked in this turn
  const module = new URL('./sqlite-document-store.ts', import.meta.url).href;
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { SqliteDocumentStore } = await import(${JSON.stringify(module)});
       const s = SqliteDocumentStore.open(${JSON.stringify(path)});
       await s.write([{ op: 'put', kind: 'user', key: 'other', body: { n: 1 } }]);
       await s.close();`,
    ],
    { stdio: 'inherit' },
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(a.knownHeadVersion(), before + 1, 'the other process committed one version');
  assert.equal(a.knownHeadVersion(), await a.headVersion());
});
