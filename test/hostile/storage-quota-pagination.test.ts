/**
 * Storage quota and pages (docs/storage.md, "Quota and pages"): a partner holding a token for a mailbox
 * cannot fill the store — 1000 items or 16 Mi characters per mailbox, enforced atomically even under
 * concurrent writes — and a listing answers one page (100 by default, at most 500) with a cursor, never
 * the whole folder.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startServer } from '../../src/main/server.ts';
import type { RunningServer } from '../../src/main/server.ts';
import { MAILBOX_QUOTA } from '../../src/core/storage/index.ts';
import { actorClaims, EXCHANGE, HOST, hostileWorld, rs256 } from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';

let w: HostileWorld;
let server: RunningServer;
const FULL = 'full@contoso.com';
const BIG = 'big@contoso.com';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted field by field
type Json = any;

function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const token = rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method,
        rejectUnauthorized: false,
        agent: false,
        headers: {
          host: HOST,
          authorization: `Bearer ${token}`,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const items = (sip: string, query = '') =>
  `/storage/v1/users/sip:${sip}/folders/ConversationHistory/items${query}`;

before(async () => {
  w = await hostileWorld();
  await w.d.services.certificates.set({ usages: ['Default'], thumbprint: w.us.cert.thumbprint });
  for (const sip of [FULL, BIG]) await w.d.services.storage.addUser({ sip, smtp: sip, upn: sip });
  server = await startServer(w.d, {
    listen: '127.0.0.1:0',
    refreshTickMs: 3_600_000,
    tlsRecheckMs: 3_600_000,
  });
});
after(async () => {
  await server?.close();
  await w?.close();
});

describe('a mailbox has an item quota', () => {
  test('the 1001st item is refused 409 ERR_MAILBOX_QUOTA_EXCEEDED, also when 20 race for the last 5 places', async () => {
    for (let i = 0; i < MAILBOX_QUOTA.items - 5; i++)
      await w.d.services.storage.createItem(
        FULL,
        i % 2 ? 'Inbox' : 'ConversationHistory',
        { subject: `m${i}` },
        'fill',
      );
    const raced = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call('POST', items(FULL), { subject: `race ${i}` })),
    );
    assert.equal(raced.filter((r) => r.status === 201).length, 5, JSON.stringify(raced.map((r) => r.status)));
    for (const r of raced.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 409);
      assert.equal(r.json.code, 'ERR_MAILBOX_QUOTA_EXCEEDED');
    }
    const more = await call('POST', items(FULL), { subject: 'one more' });
    assert.equal(more.status, 409);
    // Deleting one frees one place.
    const first = await call('GET', items(FULL, '?limit=1'));
    assert.equal((await call('DELETE', `${items(FULL)}/${first.json.items[0].id}`)).status, 204);
    assert.equal((await call('POST', items(FULL), { subject: 'fits again' })).status, 201);
    assert.equal((await call('POST', items(FULL), { subject: 'full again' })).status, 409);
  });

  test('and a character quota: 256 items of 64 Ki characters fill it', async () => {
    const body = 'x'.repeat(65535); // with a one-character subject: 64 Ki characters per item
    for (let i = 0; i < 255; i++)
      await w.d.services.storage.createItem(BIG, 'Inbox', { subject: 's', body }, 'fill');
    const r = await call('POST', items(BIG), { subject: 's', body });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const over = await call('POST', items(BIG), { subject: 'x' });
    assert.equal(over.status, 409);
    assert.equal(over.json.code, 'ERR_MAILBOX_QUOTA_EXCEEDED');
  });
});

describe('listings are paginated', () => {
  test('100 items by default, nextCursor to the end, every item once, oldest first', async () => {
    const first = await call('GET', items(FULL));
    assert.equal(first.status, 200);
    assert.equal(first.json.items.length, 100);
    const seen = new Set<string>();
    let page = first.json;
    let pages = 1;
    for (;;) {
      for (const item of page.items) {
        assert.ok(!seen.has(item.id), 'an item appeared twice');
        seen.add(item.id);
      }
      if (page.nextCursor === null) break;
      page = (await call('GET', items(FULL, `?limit=500&cursor=${page.nextCursor}`))).json;
      pages++;
      assert.ok(page.items.length <= 500);
    }
    const total = (await w.d.store.list('mailbox-item', `${FULL}/ConversationHistory/`)).length;
    assert.equal(seen.size, total);
    assert.ok(pages >= 2);
  });

  test('limits outside 1–500 and forged cursors are refused 400 ERR_MAILBOX_PAGE_INVALID', async () => {
    for (const q of [
      '?limit=0',
      '?limit=501',
      '?limit=-1',
      '?limit=1e3',
      '?limit=abc',
      '?cursor=!!',
      '?cursor=bm90LWEtY3Vyc29y',
    ]) {
      const r = await call('GET', items(FULL, q));
      assert.equal(r.status, 400, q);
      assert.equal(r.json.code, 'ERR_MAILBOX_PAGE_INVALID', q);
    }
  });
});
