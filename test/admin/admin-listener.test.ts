/**
 * `s2s server start --admin-listen` (docs/admin.md "API"): the administration API moves to a management
 * listener of its own; the partner-facing listener no longer answers it, and still serves the rest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { send, startAdminServer } from './admin-server.ts';

test('with a management listener, /admin/api/v1 is served there only', async (t) => {
  const s = await startAdminServer({ populate: false, adminListen: '127.0.0.1:0' });
  t.after(() => s.close());
  const adminPort = Number(new URL(s.server.adminUrl).port);
  assert.notEqual(adminPort, s.server.port);
  const headers = { authorization: `Bearer ${s.tokens['read-only']}` };
  const onPublic = await s.call('POST', '/admin/api/v1/operations/admins.list', {
    headers,
    body: { args: [] },
  });
  assert.equal(onPublic.status, 404);
  assert.equal(onPublic.json.code, 'ERR_HTTP_NOT_FOUND');
  assert.equal((await s.call('GET', '/admin/api/v1/openapi.json')).status, 404);
  assert.equal(
    (await s.call('GET', '/metadata/json/1')).status,
    200,
    'the public listener still serves partners',
  );
  const onAdmin = await send(adminPort, 'POST', '/admin/api/v1/operations/admins.list', {
    headers,
    body: { args: [] },
  });
  assert.equal(onAdmin.status, 200, onAdmin.text);
  assert.ok(Array.isArray(onAdmin.json.result));
});
