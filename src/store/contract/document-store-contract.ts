/**
 * The one contract every DocumentStore passes (docs/architecture.md, convention 8): the same tests run on the memory
 * fake, SQLite and PostgreSQL. Each test gets a fresh, empty backend from `openFresh` and may open
 * several instances on it (two processes on one file, two servers on one database).
 */
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentStore, WriteOperation } from '../document-store.ts';
import { runConcurrencyContract } from './concurrency-contract.ts';
import { put, rejectsWith, withBackend } from './contract-backend.ts';
import type { OpenFresh } from './contract-backend.ts';

export type { ContractBackend, OpenFresh } from './contract-backend.ts';

/** Registers the contract suite for one implementation under `describe(name)`. */
export function runDocumentStoreContract(name: string, openFresh: OpenFresh): void {
  describe(`DocumentStore contract: ${name}`, () => {
    const it = (
      title: string,
      body: (open: () => Promise<DocumentStore>, t: TestContext) => Promise<void>,
    ): void => {
      test(title, (t) => withBackend(t, openFresh, body));
    };
    runBasics(it);
    runExpectations(it);
    runUnlogged(it);
    runPrune(it);
    runChangeLog(it);
    runConcurrencyContract(it);
  });
}

type It = (
  title: string,
  body: (open: () => Promise<DocumentStore>, t: TestContext) => Promise<void>,
) => void;

function runBasics(it: It): void {
  it('an empty store has head version 0 and no documents', async (open) => {
    const store = await open();
    assert.equal(await store.headVersion(), 0);
    assert.equal(await store.get('user', 'nobody'), undefined);
    assert.deepEqual(await store.list('user'), []);
    assert.deepEqual(await store.snapshot(), { version: 0, documents: [] });
  });

  it('put then get returns the body, the batch version and an ISO commit time', async (open) => {
    const store = await open();
    const result = await store.write([put('user', 'alice@example.com', { name: 'Alice', n: 1 })]);
    const doc = await store.get('user', 'alice@example.com');
    assert.deepEqual(doc, {
      kind: 'user',
      key: 'alice@example.com',
      body: { name: 'Alice', n: 1 },
      version: result.version,
      updatedAt: result.at,
    });
    assert.ok(!Number.isNaN(Date.parse(result.at)) && result.at.endsWith('Z'));
  });

  it('list returns one kind in key order, restricted to a prefix', async (open) => {
    const store = await open();
    await store.write(['b/2', 'a/1', 'b/1', 'c', 'B/1'].map((key) => put('assignment', key, { key })));
    await store.write([put('user', 'b/9', {})]);
    assert.deepEqual(
      (await store.list('assignment')).map((d) => d.key),
      ['B/1', 'a/1', 'b/1', 'b/2', 'c'],
    );
    assert.deepEqual(
      (await store.list('assignment', 'b/')).map((d) => d.key),
      ['b/1', 'b/2'],
    );
    assert.deepEqual(await store.list('assignment', 'zz'), []);
    assert.equal((await store.list('assignment', '%')).length, 0, 'a prefix is literal, not a pattern');
  });

  it('bodies round-trip unicode, control characters and large JSON exactly', async (open) => {
    const store = await open();
    const body = {
      text: 'Zoë ✓ 漢字 🚀 \u0000 \u2028 "quoted" \\ back',
      nested: { list: [1, -2.5, true, null, 'x'], empty: {} },
      big: 'x'.repeat(1_500_000),
      many: Array.from({ length: 2000 }, (_, i) => ({ i, s: `item-${i}` })),
    };
    await store.write([put('mailbox-item', 'sip/ünï/🚀', body)]);
    const doc = await store.get('mailbox-item', 'sip/ünï/🚀');
    assert.deepEqual(doc?.body, body);
    assert.deepEqual(
      (await store.list('mailbox-item', 'sip/ünï/')).map((d) => d.key),
      ['sip/ünï/🚀'],
    );
  });

  it('returned bodies are copies: mutating one does not change the store', async (open) => {
    const store = await open();
    await store.write([put('counter', 'c', { n: 1 })]);
    const doc = await store.get<{ n: number }>('counter', 'c');
    doc!.body.n = 99;
    assert.deepEqual((await store.get('counter', 'c'))?.body, { n: 1 });
  });

  it('refuses an empty batch, an empty key and a document named twice (ERR_INVALID_INPUT)', async (open) => {
    const store = await open();
    await rejectsWith(store.write([]), 'ERR_INVALID_INPUT');
    await rejectsWith(store.write([put('user', '', {})]), 'ERR_INVALID_INPUT');
    await rejectsWith(
      store.write([put('user', 'a', 1), { op: 'delete', kind: 'user', key: 'a', expect: 'any' }]),
      'ERR_INVALID_INPUT',
    );
    await rejectsWith(store.write([put('user', 'a', undefined)]), 'ERR_INVALID_INPUT');
    assert.equal(await store.headVersion(), 0);
  });

  it('reopening keeps every document and the version', async (open) => {
    const first = await open();
    await first.write([put('oauth-config', 'global', { realm: 'contoso.com' })]);
    await first.close();
    await rejectsWith(first.get('oauth-config', 'global'), 'ERR_STORE_UNAVAILABLE');
    const again = await open();
    assert.deepEqual((await again.get('oauth-config', 'global'))?.body, { realm: 'contoso.com' });
    assert.equal(await again.headVersion(), 1);
  });

  it('serverTime is the store clock, close to this machine', async (open) => {
    const store = await open();
    const skew = Math.abs((await store.serverTime()).getTime() - Date.now());
    assert.ok(skew < 60_000, `skew ${skew} ms`);
  });
}

function runUnlogged(it: It): void {
  it('an unlogged batch (pool membership) adds no change-log entry and no version; other kinds are refused', async (open) => {
    const store = await open();
    const first = await store.write([put('partner', 'exchange', { v: 1 })]);
    const beat = await store.write([put('node', 'fe1.contoso.com', { seen: 1 })], {
      actor: 'node:fe1.contoso.com',
      unlogged: true,
    });
    assert.equal(beat.version, first.version, 'no new version');
    assert.equal(await store.headVersion(), first.version);
    assert.deepEqual(
      (await store.changesSince(0)).map((e) => `${e.kind}/${e.key}`),
      ['partner/exchange'],
      'no change-log entry',
    );
    const node = await store.get('node', 'fe1.contoso.com');
    assert.deepEqual([node?.body, node?.version], [{ seen: 1 }, first.version]);
    await store.write([put('node', 'fe1.contoso.com', { seen: 2 }, 'any')], { unlogged: true });
    assert.deepEqual((await store.get('node', 'fe1.contoso.com'))?.body, { seen: 2 });
    const next = await store.write([put('partner', 'lync', { v: 1 })]);
    assert.equal(next.version, first.version + 1, 'logged batches keep gap-free versions');
    await rejectsWith(
      store.write([put('partner', 'sneaky', { v: 1 })], { unlogged: true }),
      'ERR_INVALID_INPUT',
    );
    assert.equal(await store.get('partner', 'sneaky'), undefined);
  });
}

function runPrune(it: It): void {
  it('pruneChanges deletes old entries but never the head batch; versions go on from the head', async (open) => {
    const store = await open();
    if (store.pruneChanges === undefined) return;
    await store.write([put('partner', 'a', 1)]);
    await store.write([put('partner', 'b', 1)]);
    const head = await store.write([put('partner', 'c', 1), put('partner', 'd', 1)]);
    assert.equal(await store.pruneChanges(new Date(Date.parse(head.at) - 3_600_000)), 0, 'nothing that old');
    assert.equal(await store.pruneChanges(new Date(Date.parse(head.at) + 3_600_000)), 2);
    assert.deepEqual(
      (await store.changesSince(0)).map((e) => [e.version, e.key]),
      [
        [head.version, 'c'],
        [head.version, 'd'],
      ],
    );
    assert.equal(await store.headVersion(), head.version);
    assert.equal((await store.write([put('partner', 'e', 1)])).version, head.version + 1);
    assert.equal((await store.list('partner')).length, 5, 'documents are untouched');
  });
}

function runExpectations(it: It): void {
  it("'absent' creates a document and refuses to overwrite one (ERR_STORE_CONFLICT)", async (open) => {
    const store = await open();
    await store.write([put('partner', 'exchange', { v: 1 }, 'absent')]);
    await rejectsWith(store.write([put('partner', 'exchange', { v: 2 }, 'absent')]), 'ERR_STORE_CONFLICT');
    assert.deepEqual((await store.get('partner', 'exchange'))?.body, { v: 1 });
  });

  it('a version expectation writes only over exactly that version', async (open) => {
    const store = await open();
    const v1 = (await store.write([put('partner', 'p', { v: 1 })])).version;
    await store.write([put('user', 'other', {})]);
    const v3 = (await store.write([put('partner', 'p', { v: 2 }, v1)])).version;
    await rejectsWith(store.write([put('partner', 'p', { v: 3 }, v1)]), 'ERR_STORE_CONFLICT');
    await rejectsWith(store.write([put('partner', 'missing', {}, v1)]), 'ERR_STORE_CONFLICT');
    await rejectsWith(
      store.write([{ op: 'delete', kind: 'partner', key: 'p', expect: v1 }]),
      'ERR_STORE_CONFLICT',
    );
    assert.deepEqual(await store.get('partner', 'p').then((d) => [d?.body, d?.version]), [{ v: 2 }, v3]);
  });

  it("'any' is last-writer-wins and also creates", async (open) => {
    const store = await open();
    await store.write([put('counter', 'ids', { next: 1 }, 'any')]);
    await store.write([put('counter', 'ids', { next: 2 }, 'any')]);
    assert.deepEqual((await store.get('counter', 'ids'))?.body, { next: 2 });
  });

  it('a conflict on the second operation of a batch writes nothing at all', async (open) => {
    const store = await open();
    const base = await store.write([
      put('certificate', 'AA', { a: 1 }),
      put('assignment', 'global/OAuthTokenIssuer', { t: 'AA' }),
    ]);
    const conflict = store.write([
      put('certificate', 'BB', { b: 1 }, 'absent'),
      put('assignment', 'global/OAuthTokenIssuer', { t: 'BB' }, base.version - 1),
      { op: 'delete', kind: 'certificate', key: 'AA', expect: base.version },
    ]);
    await rejectsWith(conflict, 'ERR_STORE_CONFLICT');
    assert.equal(await store.get('certificate', 'BB'), undefined);
    assert.deepEqual((await store.get('assignment', 'global/OAuthTokenIssuer'))?.body, { t: 'AA' });
    assert.ok(await store.get('certificate', 'AA'));
    assert.equal(await store.headVersion(), base.version);
    assert.equal((await store.changesSince(base.version)).length, 0);
  });

  it('delete removes the document and leaves a tombstone in the change log', async (open) => {
    const store = await open();
    const created = await store.write([put('trusted-root', 'CC', { pem: 'x' })]);
    const deleted = await store.write(
      [{ op: 'delete', kind: 'trusted-root', key: 'CC', expect: created.version }],
      { actor: 'cli:admin@host' },
    );
    assert.equal(await store.get('trusted-root', 'CC'), undefined);
    assert.deepEqual(await store.list('trusted-root'), []);
    assert.deepEqual(await store.changesSince(created.version), [
      {
        version: deleted.version,
        kind: 'trusted-root',
        key: 'CC',
        op: 'delete',
        at: deleted.at,
        actor: 'cli:admin@host',
      },
    ]);
  });
}

function runChangeLog(it: It): void {
  it('versions strictly increase by one per batch; a batch shares one version', async (open) => {
    const store = await open();
    const a = await store.write([put('user', 'a', 1)]);
    const b = await store.write([put('user', 'b', 2), put('user', 'c', 3)]);
    const c = await store.write([{ op: 'delete', kind: 'user', key: 'a', expect: a.version }]);
    assert.deepEqual([a.version, b.version, c.version], [1, 2, 3]);
    assert.equal(await store.headVersion(), 3);
    assert.deepEqual(
      (await store.list('user')).map((d) => d.version),
      [2, 2],
    );
  });

  it('changesSince lists puts and deletes oldest first, with the actor, and honours limit', async (open) => {
    const store = await open();
    await store.write([put('user', 'a', 1)], { actor: 'node:fe1.contoso.com' });
    await store.write([put('user', 'c', 1), put('user', 'b', 1)]);
    await store.write([{ op: 'delete', kind: 'user', key: 'a', expect: 'any' }]);
    const all = await store.changesSince(0);
    assert.deepEqual(
      all.map((c) => [c.version, c.key, c.op]),
      [
        [1, 'a', 'put'],
        [2, 'b', 'put'],
        [2, 'c', 'put'],
        [3, 'a', 'delete'],
      ],
    );
    assert.equal(all[0]?.actor, 'node:fe1.contoso.com');
    assert.equal('actor' in all[1]!, false);
    assert.deepEqual(
      (await store.changesSince(1)).map((c) => c.version),
      [2, 2, 3],
    );
    assert.deepEqual(await store.changesSince(3), []);
    assert.deepEqual(
      (await store.changesSince(0, 3)).map((c) => c.version),
      [1, 2, 2],
    );
    assert.deepEqual(
      (await store.changesSince(0, 2)).map((c) => c.version),
      [1],
      'a batch is never split',
    );
    assert.deepEqual(
      (await store.changesSince(1, 1)).map((c) => c.key),
      ['b', 'c'],
      'an oversized first batch comes whole',
    );
    await rejectsWith(store.changesSince(0, 0), 'ERR_INVALID_INPUT');
  });

  it('snapshot returns every document as of the head, optionally of some kinds', async (open) => {
    const store = await open();
    await store.write([
      put('user', 'u1', { a: 1 }),
      put('partner', 'p1', { b: 2 }),
      put('node', 'fe1', { c: 3 }),
    ]);
    const last = await store.write([put('user', 'u2', { a: 2 })]);
    const all = await store.snapshot();
    assert.equal(all.version, last.version);
    assert.deepEqual(
      all.documents.map((d) => `${d.kind}:${d.key}`),
      ['node:fe1', 'partner:p1', 'user:u1', 'user:u2'],
    );
    const some = await store.snapshot(['user', 'node']);
    assert.equal(some.version, last.version);
    assert.deepEqual(
      some.documents.map((d) => `${d.kind}:${d.key}`),
      ['node:fe1', 'user:u1', 'user:u2'],
    );
    assert.deepEqual((await store.snapshot([])).documents, []);
  });
}

/** Re-exported for the implementation-specific tests. */
export { put, rejectsWith };
export type { WriteOperation };
