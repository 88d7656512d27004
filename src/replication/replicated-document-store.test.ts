import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox, systemClock } from '../core/index.ts';
import type { DocumentStore, WriteOperation } from '../store/document-store.ts';
import { MemoryDocumentStore } from '../store/memory/memory-document-store.ts';
import { openReplicatedStore } from './open-replicated-store.ts';
import type { ReplicatedDocumentStore } from './replicated-document-store.ts';

const box = new SecretBox(randomBytes(32));
const put = (key: string, body: unknown, expect: WriteOperation['expect'] = 'any'): WriteOperation => ({
  op: 'put',
  kind: 'partner',
  key,
  body,
  expect,
});

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => (err as { code?: string }).code === code);
}

/** A pool over one shared in-memory store: each node has its own connection and replica directory. */
async function pool(
  t: { after: (fn: () => Promise<void> | void) => void },
  count = 3,
  root = new MemoryDocumentStore(),
) {
  const dir = mkdtempSync(join(tmpdir(), 's2s-repl-'));
  const nodes: ReplicatedDocumentStore[] = [];
  const open = async (name: string, central: DocumentStore = root.connect()) => {
    const node = await openReplicatedStore({
      central,
      replicaFile: join(dir, name, 'replica.sealed.json'),
      secretBox: box,
      nodeName: name,
      clock: systemClock,
      heartbeatMs: 0,
      pollIntervalMs: 200,
    });
    nodes.push(node);
    return node;
  };
  for (let i = 1; i <= count; i += 1) await open(`fe${i}.contoso.com`);
  t.after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  return { root, dir, nodes, open };
}

/** Polls with a generous bound: latency is measured by the pool bench (BENCHMARKS.md), never asserted here. */
async function until(predicate: () => Promise<boolean> | boolean, ms = 30_000): Promise<number> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - start;
}

describe('ReplicatedDocumentStore', () => {
  test('a change through one node is served by every node, and at once by the writer', async (t) => {
    const { nodes } = await pool(t);
    const [a, b, c] = nodes as [ReplicatedDocumentStore, ReplicatedDocumentStore, ReplicatedDocumentStore];
    const result = await a.write([put('exchange', { enabled: true })]);
    assert.deepEqual(
      (await a.get('partner', 'exchange'))?.body,
      { enabled: true },
      'read-your-writes on the writer',
    );
    const elapsed = await until(
      async () =>
        (await b.get('partner', 'exchange')) !== undefined &&
        (await c.get('partner', 'exchange')) !== undefined,
    );
    t.diagnostic(`replicated in ${elapsed} ms`);
    assert.equal(await c.headVersion(), result.version);
  });

  test('a batch is applied atomically: a reader never sees half of it', async (t) => {
    const { nodes } = await pool(t, 2);
    const [a, b] = nodes as [ReplicatedDocumentStore, ReplicatedDocumentStore];
    let mixed = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const [x, y] = await Promise.all([b.get('partner', 'x'), b.get('partner', 'y')]);
        if (x?.body !== y?.body) mixed += 1;
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 30; i += 1) await a.write([put('x', i), put('y', i)]);
    await until(async () => (await b.get('partner', 'x'))?.body === 29);
    reading = false;
    await reader;
    assert.equal(mixed, 0);
  });

  test('a catch-up racing a newer commit never serves a mixture of versions', async (t) => {
    const root = new MemoryDocumentStore();
    const writer = root.connect();
    await writer.write([put('x', 0), put('y', 0)]);
    let raced = false;
    // The first fetch of `y` (fetched after `x`) lets another administrator commit a new x+y batch in between.
    const base = root.connect();
    const central: DocumentStore = new Proxy(base, {
      get(target, prop, receiver) {
        if (prop === 'get') {
          return async (kind: 'partner', key: string) => {
            if (!raced && key === 'y') {
              raced = true;
              await writer.write([put('x', 2), put('y', 2)]);
            }
            return target.get(kind, key);
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const { open } = await pool(t, 0, root);
    const node = await open('fe1.contoso.com', central);
    const served: Array<[unknown, unknown]> = [];
    node.subscribe(
      () =>
        void Promise.all([node.get('partner', 'x'), node.get('partner', 'y')]).then(
          ([x, y]) => served.push([x?.body, y?.body]),
          () => undefined,
        ),
    );
    await writer.write([put('x', 1), put('y', 1)]);
    await until(() => raced);
    await until(async () => (await node.get('partner', 'x'))?.body === 2);
    assert.equal((await node.get('partner', 'y'))?.body, 2);
    assert.ok(
      served.every(([x, y]) => x === y),
      `served ${JSON.stringify(served)}`,
    );
  });

  test('while the central store is down: reads keep working, writes fail with ERR_STORE_UNAVAILABLE, then it catches up', async (t) => {
    const { root, nodes } = await pool(t);
    const [a, b] = nodes as [ReplicatedDocumentStore, ReplicatedDocumentStore];
    await a.write([put('exchange', 'v1')]);
    await until(async () => (await b.get('partner', 'exchange'))?.body === 'v1');
    root.setUnavailable(true);
    await rejectsWith(a.write([put('exchange', 'v2')]), 'ERR_STORE_UNAVAILABLE');
    assert.equal((await b.get('partner', 'exchange'))?.body, 'v1');
    assert.equal((await b.list('partner')).length, 1);
    await until(() => !b.health().centralReachable);
    root.setUnavailable(false);
    await a.write([put('exchange', 'v3')]);
    await until(async () => (await b.get('partner', 'exchange'))?.body === 'v3');
    assert.ok(b.health().centralReachable);
  });

  test('a node back from a long outage catches up from the log (more than one page), and takes a snapshot only once the log was pruned past it', async (t) => {
    const { root, nodes, open } = await pool(t, 1);
    const admin = root.connect();
    await admin.write([put('seed', 0)]);
    await nodes[0]!.close();
    // 1 200 configuration changes while the node is away: more than two pages of the change log.
    for (let i = 1; i <= 1200; i += 1) await admin.write([put(`p${i % 50}`, i)]);
    const reads: string[] = [];
    // A fresh connection per node opening (closing a node closes its connection).
    const counting = (): DocumentStore =>
      new Proxy(root.connect(), {
        get(target, prop) {
          if (prop === 'snapshot' || prop === 'changesSince') reads.push(String(prop));
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    const back = await open('fe1.contoso.com', counting());
    await until(() => back.appliedVersion === 1201);
    assert.deepEqual((await back.get('partner', 'p0'))?.body, 1200);
    assert.ok(!reads.includes('snapshot'), 'caught up from the log, not from a full snapshot');
    assert.ok(reads.filter((r) => r === 'changesSince').length >= 3, 'paged through the log');
    await back.close();

    await admin.write([put('after-prune', 1)]);
    await admin.write([put('after-prune', 2)]);
    assert.ok((await admin.pruneChanges(new Date(Date.now() + 60_000))) > 0);
    reads.length = 0;
    const again = await open('fe1.contoso.com', counting());
    await until(() => again.appliedVersion === 1203);
    assert.equal((await again.get('partner', 'after-prune'))?.body, 2);
    assert.ok(reads.includes('snapshot'), 'the log no longer reaches back: a full snapshot');
  });

  test('mailbox items are served from the central store: not in any replica, no replica rewrite per item, unavailable in an outage while configuration keeps serving', async (t) => {
    const { root, dir, nodes } = await pool(t, 2);
    const [a, b] = nodes as [ReplicatedDocumentStore, ReplicatedDocumentStore];
    await a.write([put('exchange', 'config')]);
    await until(async () => (await b.get('partner', 'exchange')) !== undefined);
    const fileOf = (n: string) => join(dir, n, 'replica.sealed.json');
    const savedVersion = (n: string) =>
      (JSON.parse(readFileSync(fileOf(n), 'utf8')) as { version: number }).version;
    const before = [savedVersion('fe1.contoso.com'), savedVersion('fe2.contoso.com')];
    const item = {
      op: 'put',
      kind: 'mailbox-item',
      key: 'alice@contoso.com/Inbox/1',
      body: { subject: 'hi' },
      expect: 'absent',
    } as const;
    // With its mailbox's usage counter, as the storage service writes every item.
    const usage = {
      op: 'put',
      kind: 'counter',
      key: 'mailbox-usage/alice@contoso.com',
      body: { items: 1, characters: 2 },
      expect: 'any',
    } as const;
    const written = await a.write([item, usage]);
    assert.deepEqual((await b.get('counter', usage.key))?.body, { items: 1, characters: 2 });
    // Read on the other node at once: it comes from the central store, so it is there.
    assert.deepEqual((await b.get('mailbox-item', item.key))?.body, { subject: 'hi' });
    assert.equal((await b.list('mailbox-item', 'alice@contoso.com/')).length, 1);
    await until(() => b.appliedVersion >= written.version);
    assert.equal(
      (await b.snapshot()).documents.some((d) => d.kind === 'mailbox-item'),
      false,
      'not in the replica',
    );
    assert.deepEqual(
      [savedVersion('fe1.contoso.com'), savedVersion('fe2.contoso.com')],
      before,
      'no node rewrote its replica file for a mailbox item',
    );
    root.setUnavailable(true);
    await rejectsWith(b.get('mailbox-item', item.key), 'ERR_STORE_UNAVAILABLE');
    assert.equal((await b.get('partner', 'exchange'))?.body, 'config', 'configuration keeps serving');
    root.setUnavailable(false);
  });

  test('a node restarts from its replica file while the central store is down', async (t) => {
    const { root, nodes, open } = await pool(t, 1);
    const a = nodes[0]!;
    await a.write([
      put('exchange', { trust: 'Full' }),
      { op: 'put', kind: 'user', key: 'alice@contoso.com', body: { sip: 'alice' }, expect: 'absent' },
    ]);
    const version = a.appliedVersion;
    await a.close();
    root.setUnavailable(true);
    const again = await open('fe1.contoso.com');
    assert.equal(again.appliedVersion, version);
    assert.deepEqual((await again.get('partner', 'exchange'))?.body, { trust: 'Full' });
    assert.equal((await again.snapshot()).documents.length, 2);
    root.setUnavailable(false);
  });

  test('a node without a replica cannot start while the central store is down: ERR_REPLICA_UNAVAILABLE', async (t) => {
    const { root, open } = await pool(t, 0);
    root.setUnavailable(true);
    await rejectsWith(open('fe9.contoso.com'), 'ERR_REPLICA_UNAVAILABLE');
    root.setUnavailable(false);
  });

  test('the replica file is sealed; a damaged one is rebuilt when the store is reachable, refused when not', async (t) => {
    const { root, dir, nodes, open } = await pool(t, 1);
    await nodes[0]!.write([put('exchange', 'secret-looking-value')]);
    await nodes[0]!.close();
    const file = join(dir, 'fe1.contoso.com', 'replica.sealed.json');
    assert.ok(!readFileSync(file, 'utf8').includes('secret-looking-value'), 'contents are encrypted');
    // Flip the first sealed character to a different one (replacing it with a fixed 'A' left the file
    // intact whenever it already was one: 1 run in 64).
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        /"data":"(.)/,
        (_m, c: string) => `"data":"${c === 'A' ? 'B' : 'A'}`,
      ),
    );
    root.setUnavailable(true);
    await rejectsWith(open('fe1.contoso.com'), 'ERR_REPLICA_CORRUPT');
    root.setUnavailable(false);
    const rebuilt = await open('fe1.contoso.com');
    assert.equal((await rebuilt.get('partner', 'exchange'))?.body, 'secret-looking-value');
    await rebuilt.close(); // no catch-up may be writing the file while the directory is listed
    assert.deepEqual(
      readdirSync(join(dir, 'fe1.contoso.com')),
      ['replica.sealed.json'],
      'no temp files left behind',
    );
  });

  test('conflicting writes through two nodes: one wins, the other gets ERR_STORE_CONFLICT', async (t) => {
    const { nodes } = await pool(t, 2);
    const [a, b] = nodes as [ReplicatedDocumentStore, ReplicatedDocumentStore];
    const base = await a.write([put('exchange', 'base')]);
    await until(async () => (await b.get('partner', 'exchange'))?.version === base.version);
    const outcomes = await Promise.allSettled([
      a.write([put('exchange', 'from-a', base.version)]),
      b.write([put('exchange', 'from-b', base.version)]),
    ]);
    const codes = outcomes
      .map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as { code: string }).code))
      .sort();
    assert.deepEqual(codes, ['ERR_STORE_CONFLICT', 'ok']);
  });

  test('subscribe announces applied versions, never the same or a lower one twice', async (t) => {
    const { nodes } = await pool(t, 1);
    const seen: number[] = [];
    const off = nodes[0]!.subscribe((v) => seen.push(v));
    await nodes[0]!.write([put('a', 1)]);
    await nodes[0]!.write([put('a', 2)]);
    await until(() => seen.includes(nodes[0]!.appliedVersion));
    off();
    assert.deepEqual(
      [...seen].sort((x, y) => x - y),
      seen,
    );
    assert.equal(new Set(seen).size, seen.length);
  });
});
