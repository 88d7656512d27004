import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, hasCode } from '../../core/index.ts';
import type { S2sPrincipal } from '../../core/index.ts';
import { MemoryDocumentStore } from '../../store/memory/memory-document-store.ts';
import { silentLogger } from '../service-deps.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { bindServicePorts } from '../services.ts';
import { StorageService } from './storage-service.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDocumentStore } from '../../store/sqlite/sqlite-document-store.ts';

function service(store: ServiceDeps['store'] = new MemoryDocumentStore()) {
  const deps: ServiceDeps = {
    store,
    clock: new ManualClock('2026-03-01T10:00:00Z'),
    secretBox: () => {
      throw new Error('no keys needed');
    },
    logger: silentLogger,
    nodeName: 'fe01.litwareinc.com',
    home: '/nonexistent',
    ports: bindServicePorts({}),
  };
  return { storage: new StorageService(deps), store };
}

const principal = (p: Partial<S2sPrincipal>): S2sPrincipal => ({
  kind: 'partner',
  partnerIdentity: 'skype',
  applicationIdentifier: '00000004-0000-0ff1-ce00-000000000000',
  realm: 'litwareinc.com',
  trustLevel: 'Full',
  acceptSecurityIdentifierInformation: false,
  mode: 'user',
  user: { nameid: 'kenmyer@litwareinc.com', nii: null, smtp: null, sip: 'kenmyer@litwareinc.com', upn: null },
  expiresAt: new Date('2026-03-02T00:00:00Z'),
  signingThumbprint: 'AB',
  ...p,
});

describe('StorageService', () => {
  const { storage, store } = service();
  after(() => store.close());

  test('users are added, read, listed and refused when they clash', async () => {
    const ken = await storage.addUser({
      sip: 'sip:KenMyer@litwareinc.com',
      smtp: 'kenmyer@litwareinc.com',
      upn: 'kenmyer@litwareinc.com',
    });
    assert.equal(ken.sip, 'kenmyer@litwareinc.com');
    assert.deepEqual(await storage.getUser('sip:kenmyer@litwareinc.com'), ken);
    await assert.rejects(
      storage.addUser({
        sip: 'other@litwareinc.com',
        smtp: 'KENMYER@litwareinc.com',
        upn: 'x@litwareinc.com',
      }),
      (e) => hasCode(e, 'ERR_USER_EXISTS'),
    );
    await assert.rejects(storage.getUser('nobody@litwareinc.com'), (e) => hasCode(e, 'ERR_USER_UNKNOWN'));
    assert.equal((await storage.listUsers()).length, 1);
  });

  test('items are created, listed, read and deleted, and persist as mailbox-item documents', async () => {
    const item = await storage.createItem(
      'kenmyer@litwareinc.com',
      'conversationhistory',
      { subject: 'hello' },
      'skype as kenmyer@litwareinc.com',
    );
    assert.equal(item.folder, 'ConversationHistory');
    assert.equal(item.createdAt, '2026-03-01T10:00:00.000Z');
    assert.ok(await store.get('mailbox-item', `kenmyer@litwareinc.com/ConversationHistory/${item.id}`));
    assert.deepEqual(await storage.listItems('kenmyer@litwareinc.com', 'ConversationHistory'), {
      items: [item],
      nextCursor: null,
    });
    assert.deepEqual(await storage.getItem('kenmyer@litwareinc.com', 'ConversationHistory', item.id), item);
    await storage.deleteItem('kenmyer@litwareinc.com', 'ConversationHistory', item.id);
    await assert.rejects(storage.getItem('kenmyer@litwareinc.com', 'ConversationHistory', item.id), (e) =>
      hasCode(e, 'ERR_MAILBOX_ITEM_NOT_FOUND'),
    );
    await assert.rejects(storage.listItems('kenmyer@litwareinc.com', 'Drafts'), (e) =>
      hasCode(e, 'ERR_MAILBOX_FOLDER_UNKNOWN'),
    );
  });

  test('authorize resolves the acting user from the claims and checks the owner', async () => {
    const access = await storage.authorize(principal({}), {
      kind: 'mailbox',
      owner: 'kenmyer@litwareinc.com',
    });
    assert.equal(access.actingUser?.sip, 'kenmyer@litwareinc.com');
    const stranger = principal({
      user: { nameid: 'x', nii: null, smtp: null, sip: 'nobody@litwareinc.com', upn: null },
    });
    await assert.rejects(
      storage.authorize(stranger, { kind: 'mailbox', owner: 'kenmyer@litwareinc.com' }),
      (e) => hasCode(e, 'ERR_USER_CLAIMS_NO_MATCH'),
    );
    const app = principal({ mode: 'app', user: null, trustLevel: 'Application' });
    await assert.rejects(storage.authorize(app, { kind: 'mailbox', owner: 'kenmyer@litwareinc.com' }), (e) =>
      hasCode(e, 'ERR_STORAGE_FORBIDDEN'),
    );
  });

  test('removing a user removes its mailbox', async () => {
    await storage.createItem('kenmyer@litwareinc.com', 'Inbox', { subject: 'a' }, 'x');
    const removed = await storage.removeUser('kenmyer@litwareinc.com');
    assert.equal(removed.removedItems, 1);
    assert.equal((await store.list('mailbox-item')).length, 0);
  });
});

test('read model: item answers and acting users are kept per store version, never past a change by another connection', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-read-model-'));
  const path = join(dir, 'store.db');
  const a = service(SqliteDocumentStore.open(path));
  const b = service(SqliteDocumentStore.open(path)); // another connection, as another process
  t.after(async () => {
    await a.store.close();
    await b.store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ken = 'kenmyer@litwareinc.com';
  await b.storage.addUser({ sip: ken, smtp: ken, upn: ken });
  const item = await b.storage.createItem(ken, 'Inbox', { subject: 's', body: 'b' }, 'test');
  const p = principal({});
  const first = await a.storage.getItemJson(ken, 'inbox', item.id);
  assert.equal(first, JSON.stringify(await a.storage.getItem(ken, 'Inbox', item.id)));
  assert.equal(await a.storage.getItemJson(ken, 'inbox', item.id), first, 'served again');
  assert.equal((await a.storage.authorize(p, { kind: 'mailbox', owner: ken })).actingUser?.sip, ken);
  await b.storage.deleteItem(ken, 'Inbox', item.id);
  await assert.rejects(a.storage.getItemJson(ken, 'inbox', item.id), (e) =>
    hasCode(e, 'ERR_MAILBOX_ITEM_NOT_FOUND'),
  );
  await b.storage.removeUser(ken);
  await assert.rejects(a.storage.authorize(p, { kind: 'mailbox', owner: ken }), (e: unknown) =>
    /^ERR_USER_/.test((e as { code?: string }).code ?? ''),
  );
});
