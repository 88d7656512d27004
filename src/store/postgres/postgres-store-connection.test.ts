import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminQuery, freshPostgresUrl } from '../../../test/fixtures/postgres.ts';
import { nextVersion, put, rejectsWith } from '../contract/contract-backend.ts';
import { PostgresDocumentStore } from './postgres-document-store.ts';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.ts';
import { parsePostgresUrl } from './postgres-target.ts';

const schemaOf = (url: string): string => new URL(url).searchParams.get('schema')!;

test('the location never shows user or password; ?schema= selects the schema', () => {
  const target = parsePostgresUrl(
    'postgres://admin:s3cret%21@db.contoso.com/config?schema=s2s_pool&sslmode=require',
  );
  assert.equal(target.location, 'postgres://db.contoso.com:5432/config?schema=s2s_pool');
  assert.equal(target.schema, 's2s_pool');
  assert.equal(target.secret, 's3cret!');
  assert.ok(!target.connectionString.includes('schema='));
  assert.ok(target.connectionString.includes('sslmode=require'));
  assert.equal(parsePostgresUrl('postgresql://h:6543/db').location, 'postgres://h:6543/db');
});

test('a malformed URL or schema name is ERR_STORE_URL and the message does not repeat the password', () => {
  for (const url of [
    'postgres://user:hunter2@/db',
    'postgres://user:hunter2@h/db?schema=Bad-Name;drop',
    'postgres://user:hunter2@h:99999/db',
  ]) {
    assert.throws(
      () => parsePostgresUrl(url),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_STORE_URL');
        assert.ok(!err.message.includes('hunter2'), err.message);
        return true;
      },
    );
  }
});

test('an unreachable server is ERR_STORE_UNAVAILABLE naming host:port without the password', async () => {
  await assert.rejects(
    PostgresDocumentStore.open('postgres://admin:hunter2@127.0.0.1:1/db', { connectTimeoutMs: 2000 }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_STORE_UNAVAILABLE');
      assert.ok(err.message.includes('postgres://127.0.0.1:1/db'), err.message);
      assert.ok(!err.message.includes('hunter2') && !JSON.stringify(err).includes('hunter2'));
      return true;
    },
  );
});

test('a missing database is ERR_STORE_UNAVAILABLE', async (t) => {
  if ((await freshPostgresUrl(t)) === undefined) return;
  await rejectsWith(
    PostgresDocumentStore.open('postgres://postgres:pw@127.0.0.1:5432/s2s_no_such_db'),
    'ERR_STORE_UNAVAILABLE',
  );
});

test('servers opening a new schema together create it and apply each migration once', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  await adminQuery(`DROP SCHEMA "${schemaOf(url)}" CASCADE`);
  const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresDocumentStore.open(url)));
  t.after(() => Promise.all(stores.map((s) => s.close())));
  const { rows } = await adminQuery(
    `SELECT version FROM "${schemaOf(url)}".schema_migrations ORDER BY version`,
  );
  assert.deepEqual(
    rows.map((r) => r.version),
    POSTGRES_MIGRATIONS.map((m) => m.version),
  );
  await stores[0]!.write([put('node', 'fe1', {})]);
  assert.equal(await stores[3]!.headVersion(), 1);
});

test('a schema migrated by a newer s2s is refused with ERR_STORE_SCHEMA_TOO_NEW', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  await (await PostgresDocumentStore.open(url)).close();
  await adminQuery(`INSERT INTO "${schemaOf(url)}".schema_migrations (version, name) VALUES (999, 'future')`);
  await rejectsWith(PostgresDocumentStore.open(url), 'ERR_STORE_SCHEMA_TOO_NEW');
});

test('after its connections are killed the store reconnects, and subscribers hear later commits', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  const [watcher, writer] = [await PostgresDocumentStore.open(url), await PostgresDocumentStore.open(url)];
  t.after(() => Promise.all([watcher.close(), writer.close()]));
  await writer.write([put('node', 'fe1', {})]);
  assert.equal(await nextVersion(watcher, () => true), 1);
  await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
    `s2s:${schemaOf(url)}`,
  ]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const heard = nextVersion(watcher, (v) => v >= 2, 4000);
  // The pool dropped its killed idle connections, so the next write simply opens a new one.
  assert.equal((await writer.write([put('node', 'fe2', {})])).version, 2);
  assert.equal(await heard, 2);
});
