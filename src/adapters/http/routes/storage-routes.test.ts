import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { ManualClock } from '../../../core/index.ts';
import type { S2sPrincipal, ValidationOutcome } from '../../../core/index.ts';
import { MemoryDocumentStore } from '../../../store/memory/memory-document-store.ts';
import { StorageService, silentLogger, bindServicePorts } from '../../../services/index.ts';
import { storageRoutes } from './storage-routes.ts';
import type { BearerValidator } from './storage-routes.ts';

const challenge =
  'Bearer realm="litwareinc.com", client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000004-0000-0ff1-ce00-000000000000@litwareinc.com"';

function principal(p: Partial<S2sPrincipal>): S2sPrincipal {
  return {
    kind: 'partner',
    partnerIdentity: 'skype',
    applicationIdentifier: '00000004-0000-0ff1-ce00-000000000000',
    realm: 'litwareinc.com',
    trustLevel: 'Full',
    acceptSecurityIdentifierInformation: false,
    mode: 'user',
    user: {
      nameid: 'kenmyer@litwareinc.com',
      nii: null,
      smtp: null,
      sip: 'kenmyer@litwareinc.com',
      upn: null,
    },
    expiresAt: new Date(Date.now() + 3600_000),
    signingThumbprint: 'AB',
    ...p,
  };
}

/** A fake of TokenService.validate: bearer values name the principal the real validator would return. */
const validator: BearerValidator = {
  async validate({ authorization }): Promise<ValidationOutcome> {
    const token = authorization?.replace(/^Bearer\s*/i, '') ?? '';
    if (token === 'ken') return { ok: true, principal: principal({}) };
    if (token === 'stranger')
      return {
        ok: true,
        principal: principal({
          user: { nameid: 'x', nii: null, smtp: null, sip: 'nobody@litwareinc.com', upn: null },
        }),
      };
    if (token === 'app')
      return { ok: true, principal: principal({ mode: 'app', user: null, trustLevel: 'Application' }) };
    const bare = token === '';
    return {
      ok: false,
      refusal: {
        code: bare ? 'ERR_TOKEN_MISSING' : 'ERR_TOKEN_ISSUER_UNKNOWN',
        status: 401,
        message: bare ? 'no token' : 'issuer not trusted',
        diagnostic: { code: 2008, category: 'invalid_token', categoryCode: 2000001 },
        wwwAuthenticate: bare ? challenge : `${challenge}, error="invalid_token"`,
        msDiagnostics: bare ? null : '2000001;reason="issuer not trusted";error_category="invalid_token"',
      },
    };
  },
};

describe('storage routes', () => {
  const store = new MemoryDocumentStore();
  const storage = new StorageService({
    store,
    clock: new ManualClock('2026-03-01T00:00:00Z'),
    secretBox: () => {
      throw new Error('unused');
    },
    logger: silentLogger,
    nodeName: 'x',
    home: '/x',
    ports: bindServicePorts({}),
  });
  const outcomes: boolean[] = [];
  const app = Fastify();
  const base = '/storage/v1/users/sip:kenmyer@litwareinc.com/folders/ConversationHistory/items';
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, bearer?: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: {
        host: 'mail.litwareinc.com',
        ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
      },
      ...(payload ? { payload } : {}),
    });

  before(async () => {
    await storage.addUser({
      sip: 'kenmyer@litwareinc.com',
      smtp: 'kenmyer@litwareinc.com',
      upn: 'kenmyer@litwareinc.com',
    });
    await app.register(
      storageRoutes({
        storage,
        tokens: validator,
        publishedOrigin: async () => 'https://mail.litwareinc.com',
        onAuthResult: (o) => outcomes.push(o.ok),
      }),
    );
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test('the OpenAPI document is served without authentication', async () => {
    const res = await call('GET', '/storage/v1/openapi.json');
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().openapi, '3.1.0');
    assert.equal(res.json().servers[0].url, 'https://mail.litwareinc.com/storage/v1');
  });

  test('create, read, list and delete an item as the mailbox owner', async () => {
    const created = await call('POST', base, 'ken', { subject: 'hi' });
    assert.equal(created.statusCode, 201);
    const id = created.json().id as string;
    assert.equal(created.json().createdBy, 'skype as kenmyer@litwareinc.com');
    assert.equal((await call('GET', `${base}/${id}`, 'ken')).json().subject, 'hi');
    assert.equal((await call('GET', base, 'ken')).json().items.length, 1);
    assert.equal((await call('DELETE', `${base}/${id}`, 'ken')).statusCode, 204);
    assert.equal((await call('GET', `${base}/${id}`, 'ken')).json().code, 'ERR_MAILBOX_ITEM_NOT_FOUND');
  });

  test('a refused token gets 401 with the challenge and x-ms-diagnostics', async () => {
    const res = await call('GET', base, 'forged');
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/);
    assert.equal(
      res.headers['x-ms-diagnostics'],
      '2000001;reason="issuer not trusted";error_category="invalid_token"',
    );
    assert.equal((await call('GET', base)).headers['x-ms-diagnostics'], undefined);
    assert.ok(outcomes.includes(false));
  });

  test('an act-as user who does not exist here gets 401 invalid_user (6001)', async () => {
    const res = await call('POST', base, 'stranger', { subject: 'x' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'ERR_USER_CLAIMS_NO_MATCH');
    assert.match(
      String(res.headers['x-ms-diagnostics']),
      /^2000005;reason=".*";error_category="invalid_user"$/,
    );
    assert.match(String(res.headers['www-authenticate']), /^Bearer realm=.*error="invalid_token"$/);
  });

  test('an Application-trust partner may list folders but not open a mailbox', async () => {
    assert.deepEqual((await call('GET', '/storage/v1/folders', 'app')).json().folders, [
      'ConversationHistory',
      'Inbox',
      'Dumpster',
      'Contacts',
    ]);
    const res = await call('GET', base, 'app');
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'ERR_STORAGE_FORBIDDEN');
  });

  test('malformed input is a 400 naming the cause', async () => {
    assert.equal(
      (await call('POST', base, 'ken', { body: 'no subject' })).json().code,
      'ERR_MAILBOX_ITEM_INVALID',
    );
    assert.equal((await call('GET', base.replace('ConversationHistory', 'Drafts'), 'ken')).statusCode, 400);
  });
});
