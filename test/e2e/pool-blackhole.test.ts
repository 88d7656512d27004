/**
 * A blackholed connection to PostgreSQL (docs/store.md "Time bounds"): the network stops answering
 * without closing the connection while a write holds the pool-wide write lock. The server ends the
 * silent session after idle_in_transaction_session_timeout, so another node's write goes through
 * (waiting at most lock_timeout); the frozen writer fails with ERR_STORE_UNAVAILABLE having written
 * nothing; the CLI through the blackholed path answers ERR_STORE_UNAVAILABLE instead of hanging.
 * Real PostgreSQL behind a TCP proxy on 127.0.0.1 (the machine's PostgreSQL service is never stopped).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresDocumentStore } from '../../src/store/postgres/postgres-document-store.ts';
import { POSTGRES_SESSION_DEFAULTS } from '../../src/store/postgres/postgres-session.ts';
import type { WriteOperation } from '../../src/store/document-store.ts';
import { adminQuery, freshPostgresUrl } from '../fixtures/postgres.ts';
import { TcpProxy } from '../fixtures/tcp-proxy.ts';
import { runS2s } from '../fixtures/s2s-process.ts';

const put = (key: string): WriteOperation => ({
  op: 'put',
  kind: 'counter',
  key,
  body: { n: 1 },
  expect: 'absent',
});

test('a write frozen mid-transaction by a blackhole: another node writes within the documented bound, the frozen write fails with nothing written, the CLI does not hang', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  const schema = new URL(url).searchParams.get('schema')!;
  const proxy = new TcpProxy(Number(new URL(url).port || 5432));
  await proxy.start();
  const home = mkdtempSync(join(tmpdir(), 's2s-blackhole-'));
  const frozenNode = await PostgresDocumentStore.open(proxy.urlFor(url));
  const otherNode = await PostgresDocumentStore.open(url);
  t.after(async () => {
    await proxy.stop();
    await frozenNode.close().catch(() => undefined);
    await otherNode.close();
    rmSync(home, { recursive: true, force: true });
  });

  // The frozen write has taken the write lock and written its rows: the proxy drops everything from the
  // moment its NOTIFY statement has gone through (before COMMIT).
  const frozen = proxy.freezeAfter('pg_notify');
  const frozenWrite = frozenNode.write([put('frozen')]).then(
    () => 'committed',
    (err: { code?: string; details?: { outcome?: string } }) => `${err.code}:${err.details?.outcome}`,
  );
  await frozen;

  const started = Date.now();
  const other = await otherNode.write([put('other')]); // waits behind the lock, at most lock_timeout
  const waitedMs = Date.now() - started;
  assert.ok(other.version > 0);
  t.diagnostic(
    `other node's write went through after ${waitedMs} ms (bound: lock_timeout ${POSTGRES_SESSION_DEFAULTS.lockTimeoutMs} ms; ` +
      `the silent session ends after ${POSTGRES_SESSION_DEFAULTS.idleInTransactionTimeoutMs} ms)`,
  );

  assert.equal(await frozenWrite, 'ERR_STORE_UNAVAILABLE:not-written');
  assert.equal(await otherNode.get('counter', 'frozen'), undefined, 'the frozen batch was rolled back');
  const lingering = await adminQuery(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state LIKE 'idle in transaction%'`,
    [`s2s:${schema}`],
  );
  assert.equal(lingering.rows[0].n, 0, 'no session of this store is left idle in a transaction');

  // The whole path is silent now: a CLI write answers ERR_STORE_UNAVAILABLE and exits non-zero.
  proxy.blackhole();
  const cli = await runS2s(['oauth', 'set', '--clock-skew', '5m', '--json'], {
    S2S_HOME: home,
    S2S_STORE: proxy.urlFor(url),
  });
  assert.notEqual(cli.code, 0);
  assert.match(cli.stdout + cli.stderr, /ERR_STORE_UNAVAILABLE/);
  t.diagnostic(`CLI answered after ${cli.elapsedMs} ms: ${cli.stderr.trim()}`);

  // The writer whose connection was cut works again once the network does.
  await proxy.stop();
  await proxy.start();
  const again = await frozenNode.write([put('after')]);
  assert.ok(again.version > other.version);
});
