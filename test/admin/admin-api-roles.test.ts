// test-file-timeout: 600s
/**
 * The administration API's role table (docs/admin.md "Roles"), over real HTTPS: every operation of the
 * table, called with each role's API token, is refused with 403 ERR_ADMIN_FORBIDDEN exactly when the role
 * may not run it (and the refusal is audited); a read-only caller never sees a secret in any read and
 * cannot raise its own role; without credentials every route answers 401.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_OPERATIONS, ADMIN_ROLES, roleAllows } from '../../src/core/index.ts';
import type { AdminRole } from '../../src/core/index.ts';
import { CA_ACCOUNT_PASSWORD, PASSWORD, operation, signIn, startAdminServer } from './admin-server.ts';
import type { AdminServer } from './admin-server.ts';

describe('administration API: each role against each operation', () => {
  let s: AdminServer;
  before(async () => {
    s = await startAdminServer();
  });
  after(() => s.close());

  // Destructive operations that would succeed with no arguments run last, so earlier rows see the same state.
  const ordered = [...ADMIN_OPERATIONS].sort(
    (a, b) => Number(a.id === 'audit.prune') - Number(b.id === 'audit.prune'),
  );

  for (const role of ADMIN_ROLES) {
    test(`role ${role}: allowed and refused exactly as the table says`, async () => {
      const refusedIds: string[] = [];
      for (const op of ordered) {
        const answer = await operation(s, s.tokens[role], op.id, []);
        const forbidden = answer.status === 403 && answer.json.code === 'ERR_ADMIN_FORBIDDEN';
        assert.notEqual(answer.status, 401, `${role} ${op.id}: ${answer.text}`);
        assert.notEqual(answer.status, 500, `${role} ${op.id}: ${answer.text}`);
        assert.equal(forbidden, !roleAllows(role, op), `${role} ${op.id}: ${answer.status} ${answer.text}`);
        if (forbidden) refusedIds.push(op.id);
      }
      const audited = (await s.d.services.audit.list({ actor: `token:${role}-token` }))
        .filter((e) => e.outcome === 'refused')
        .map((e) => e.operation);
      assert.deepEqual(audited, refusedIds, 'every refusal is audited');
      if (role === 'full') assert.deepEqual(refusedIds, []);
      if (role === 'read-only')
        assert.deepEqual(
          ADMIN_OPERATIONS.filter((o) => !refusedIds.includes(o.id)).map((o) => o.effect),
          ADMIN_OPERATIONS.filter((o) => o.effect === 'read').map(() => 'read'),
        );
    });
  }

  test('without credentials, or with a token of another format, every operation answers 401 with a challenge', async () => {
    for (const op of ADMIN_OPERATIONS.slice(0, 10)) {
      for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: 'Basic YTpi' }]) {
        const a = await s.call('POST', `/admin/api/v1/operations/${op.id}`, { headers, body: { args: [] } });
        assert.equal(a.status, 401);
        assert.equal(a.json.code, 'ERR_ADMIN_UNAUTHENTICATED');
        assert.match(String(a.headers['www-authenticate']), /^Bearer realm="s2s-admin"/);
      }
    }
  });

  test('read-only: no read answer holds a secret (sealed keys, password and token hashes, passwords, tokens)', async () => {
    const url = `https://127.0.0.1:${s.server.port}/metadata/json/1`;
    const thumbprint = (await s.d.services.certificates.list())[0]!.thumbprint;
    const args: Record<string, unknown[]> = {
      'ca.retrieveRequest': [1],
      'ca.status': [thumbprint],
      'ca.authority.template': ['WebServer'],
      'partners.get': ['self'],
      'oauthServers.get': ['none'],
      'metadata.document': [url],
      'metadata.openIdConfiguration': [url],
      'metadata.publishedOrigin': [url],
      'tokens.explain': ['a.b.c', url],
      'storage.getUser': ['demo@contoso.com'],
      'admins.get': ['full-admin'],
      'audit.list': [{}],
    };
    const answers: string[] = [];
    for (const op of ADMIN_OPERATIONS.filter((o) => o.effect === 'read')) {
      const a = await operation(s, s.tokens['read-only'], op.id, args[op.id] ?? []);
      assert.notEqual(a.status, 403, `${op.id}: ${a.text}`);
      answers.push(a.text);
    }
    const text = answers.join('\n');
    assert.match(text, /"privateKey":"\[redacted\]"/, 'ca.authority.document answers with its keys redacted');
    // Every secret the store holds, read raw from below the API.
    const secrets = new Set<string>([PASSWORD, CA_ACCOUNT_PASSWORD]);
    for (const token of Object.values(s.tokens)) secrets.add(token.split('_')[2]!);
    const walk = (v: unknown): void => {
      if (v === null || typeof v !== 'object') return;
      const r = v as Record<string, unknown>;
      if (typeof r.iv === 'string' && typeof r.data === 'string') secrets.add(r.data);
      if (r.alg === 'scrypt') secrets.add(String(r.hash)).add(String(r.salt));
      if (typeof r.secretHash === 'string') secrets.add(r.secretHash);
      if (typeof r.csrfHash === 'string') secrets.add(r.csrfHash);
      Object.values(r).forEach(walk);
    };
    walk((await s.d.store.snapshot()).documents.map((d) => d.body));
    for (const v of secrets) if (v.startsWith('[') || v.length < 8) secrets.delete(v); // audit entries' own '[redacted]'
    assert.ok(secrets.size > 10, `the deployment holds secrets to look for (${secrets.size})`);
    for (const secret of secrets)
      assert.ok(!text.includes(secret), `a read answer holds a secret (${secret.slice(0, 6)}…)`);
  });

  test('read-only cannot escalate itself: not with its token, not with its session', async () => {
    const viewer = s.admins['read-only'];
    const attempts: Array<[string, unknown[]]> = [
      ['admins.set', [viewer, { role: 'full' }]],
      ['admins.add', [{ name: 'evil', role: 'full', password: PASSWORD }]],
      ['admins.newToken', [{ name: 'evil', role: 'full', expires: '30d' }]],
      ['admins.revokeToken', ['0000000000000000']],
    ];
    for (const [id, args] of attempts) {
      const a = await operation(s, s.tokens['read-only'], id, args);
      assert.equal(a.json.code, 'ERR_ADMIN_FORBIDDEN', id);
    }
    const session = await signIn(s, viewer);
    assert.equal(session.answer.status, 200);
    for (const [id, args] of attempts) {
      const a = await s.call('POST', `/admin/api/v1/operations/${id}`, {
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
        body: { args },
      });
      assert.equal(a.status, 403, `${id}: ${a.text}`);
      assert.equal(a.json.code, 'ERR_ADMIN_FORBIDDEN', id);
    }
    assert.equal((await s.d.services.admins.get(viewer)).role, 'read-only');
    assert.ok(!(await s.d.services.admins.list()).some((a) => a.name === 'evil'));
    assert.ok(!(await s.d.services.admins.listTokens()).some((t) => t.name === 'evil'));
    const refused = (await s.d.services.audit.list({ actor: viewer })).filter((e) => e.outcome === 'refused');
    assert.equal(refused.length, attempts.length);
  });

  test('a permitted change through the API is audited with the token, its role, the address and before/after', async () => {
    const a = await operation(s, s.tokens.full, 'oauth.update', [{ clockSkewSeconds: 240 }]);
    assert.equal(a.status, 200, a.text);
    const entry = (await s.d.services.audit.list({ actor: 'token:full-token' })).at(-1)!;
    assert.equal(entry.operation, 'oauth.update');
    assert.equal(entry.outcome, 'success');
    assert.deepEqual(entry.actor, {
      kind: 'token',
      name: 'token:full-token',
      role: 'full',
      from: '127.0.0.1',
      via: 'api',
    });
    assert.equal((entry.changes[0]!.before as { clockSkewSeconds: number }).clockSkewSeconds, 300);
    assert.equal((entry.changes[0]!.after as { clockSkewSeconds: number }).clockSkewSeconds, 240);
  });

  test('the OpenAPI document lists every operation with its roles', async () => {
    const a = await s.call('GET', '/admin/api/v1/openapi.json');
    assert.equal(a.status, 200);
    const paths = a.json.paths as Record<string, { post?: { 'x-s2s-roles': AdminRole[] } }>;
    for (const op of ADMIN_OPERATIONS)
      assert.deepEqual(
        paths[`/admin/api/v1/operations/${op.id}`]?.post?.['x-s2s-roles'],
        ADMIN_ROLES.filter((r) => roleAllows(r, op)),
        op.id,
      );
    assert.equal(a.headers['cache-control'], 'no-store');
  });
});
