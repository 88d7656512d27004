/**
 * Administrators, API tokens and the audit log at the service boundary (docs/admin.md): every change is
 * audited with actor, before/after (secrets redacted) and outcome; refusals are audited; the log is
 * append-only but for the audited prune; passwords follow the rules, lockout backs off; tokens are shown
 * once, stored hashed, revocable and expire.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../src/core/index.ts';
import { memoryDeployment, actor, PASSWORD, LOCAL } from './admin-deployment.ts';

test('a change through the services is audited with the local actor, before and after', async (t) => {
  const { d, clock } = memoryDeployment(t);
  await d.services.oauth.initialize({ realm: 'contoso.com' });
  clock.advance(1000);
  await d.services.oauth.update({ actorTokenLifetimeSeconds: 3600 });
  const entries = await d.services.audit.list();
  assert.deepEqual(
    entries.map((e) => [e.operation, e.outcome, e.actor.name, e.actor.role, e.actor.via]),
    [
      ['oauth.initialize', 'success', 'operator', 'full', 'cli'],
      ['oauth.update', 'success', 'operator', 'full', 'cli'],
    ],
  );
  const change = entries[1]!.changes[0]!;
  assert.equal(change.kind, 'oauth-config');
  assert.equal((change.before as { actorTokenLifetimeSeconds: number }).actorTokenLifetimeSeconds, 86400);
  assert.equal((change.after as { actorTokenLifetimeSeconds: number }).actorTokenLifetimeSeconds, 3600);
});

test('a failed change is audited as failed with its code; reads are not audited', async (t) => {
  const { d } = memoryDeployment(t);
  await assert.rejects(d.services.partners.remove('nobody'), (e) => hasCode(e, 'ERR_PARTNER_NOT_FOUND'));
  await d.services.admins.list();
  const entries = await d.services.audit.list();
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.outcome, 'failed');
  assert.equal(entries[0]!.error?.code, 'ERR_PARTNER_NOT_FOUND');
});

test('secrets never reach the audit log: passwords, hashes, token secrets', async (t) => {
  const { d } = memoryDeployment(t);
  await d.services.admins.add({ name: 'alice', role: 'full', password: PASSWORD });
  await d.services.admins.set('alice', { password: `${PASSWORD} 2` });
  const { token } = await d.services.admins.newToken({ name: 'ci', role: 'read-only', expires: '30d' });
  const text = JSON.stringify(await d.services.audit.list());
  assert.ok(!text.includes(PASSWORD), 'password in the audit log');
  assert.ok(!text.includes(token.split('_')[2]!), 'token secret in the audit log');
  const stored = JSON.stringify(await d.store.list('admin'));
  const hash = /"hash":"([^"]+)"/.exec(stored)![1]!;
  assert.ok(!text.includes(hash), 'password hash in the audit log');
  assert.match(text, /"password":"\[redacted\]"/);
  assert.match(text, /"secretHash":"\[redacted\]"/);
});

test('a role that may not run an operation is refused and the refusal is audited', async (t) => {
  const { d } = memoryDeployment(t);
  await assert.rejects(
    d.gateway.invoke(actor('viewer', 'read-only'), 'partners.remove', ['microsoft.exchange']),
    (e) => hasCode(e, 'ERR_ADMIN_FORBIDDEN'),
  );
  await assert.rejects(
    d.gateway.invoke(actor('certs', 'certificate'), 'admins.add', [
      { name: 'x', role: 'full', password: PASSWORD },
    ]),
    (e) => hasCode(e, 'ERR_ADMIN_FORBIDDEN'),
  );
  assert.deepEqual(await d.services.admins.list(), []);
  const entries = await d.services.audit.list();
  assert.deepEqual(
    entries.map((e) => [e.actor.name, e.operation, e.outcome, e.error?.code]),
    [
      ['viewer', 'partners.remove', 'refused', 'ERR_ADMIN_FORBIDDEN'],
      ['certs', 'admins.add', 'refused', 'ERR_ADMIN_FORBIDDEN'],
    ],
  );
  assert.ok(!JSON.stringify(entries).includes(PASSWORD));
});

test('audit list filters by --since and --actor; prune keeps a day and is itself audited', async (t) => {
  const { d, clock } = memoryDeployment(t);
  await d.gateway.invoke(actor('alice', 'full'), 'oauth.initialize', [{ realm: 'contoso.com' }]);
  clock.advance(10 * 86_400_000);
  await d.services.oauth.update({ clockSkewSeconds: 120 });
  assert.deepEqual(
    (await d.services.audit.list({ actor: 'alice' })).map((e) => e.operation),
    ['oauth.initialize'],
  );
  assert.deepEqual(
    (await d.services.audit.list({ since: '1d' })).map((e) => e.operation),
    ['oauth.update'],
  );
  await assert.rejects(d.services.audit.list({ since: 'yesterday' }), (e) => hasCode(e, 'ERR_AUDIT_RANGE'));
  await assert.rejects(d.services.audit.prune({ olderThan: '12h' }), (e) => hasCode(e, 'ERR_AUDIT_RANGE'));
  const pruned = await d.services.audit.prune({ olderThan: '5d' });
  assert.equal(pruned.deleted, 1);
  const left = await d.services.audit.list();
  assert.deepEqual(
    left.map((e) => [e.operation, e.outcome]),
    [
      ['oauth.update', 'success'],
      ['audit.prune', 'failed'],
      ['audit.prune', 'success'],
    ],
  );
  assert.equal(left[2]!.changes[0]!.op, 'delete');
  assert.equal(left[2]!.changes[0]!.kind, 'audit');
});

test('no operation edits or deletes an audit entry except prune', async (t) => {
  const { ADMIN_OPERATIONS } = await import('../../src/core/index.ts');
  const touching = ADMIN_OPERATIONS.filter((o) => o.id.startsWith('audit.') && o.effect !== 'read');
  assert.deepEqual(
    touching.map((o) => o.id),
    ['audit.prune'],
  );
  const { d } = memoryDeployment(t);
  const proto = Object.getOwnPropertyNames(Object.getPrototypeOf(d.services.audit));
  assert.deepEqual(proto.sort(), ['append', 'constructor', 'list', 'prune']);
});

test('administrators: password rules, unique names, roles, last full administrator', async (t) => {
  const { d } = memoryDeployment(t);
  for (const [password, why] of [
    ['short', 'fewer than 12'],
    ['aaaaaaaaaaaaaaaa', 'repeats'],
    ['my name is alice!', 'contains the administrator name'],
  ] as const)
    await assert.rejects(
      d.services.admins.add({ name: 'alice', role: 'full', password }),
      (e) => hasCode(e, 'ERR_ADMIN_PASSWORD_RULES') && e.message.includes(why),
    );
  await assert.rejects(d.services.admins.add({ name: 'alice', role: 'root', password: PASSWORD }), (e) =>
    hasCode(e, 'ERR_ADMIN_ROLE_UNKNOWN'),
  );
  await assert.rejects(d.services.admins.add({ name: 'al ice', role: 'full', password: PASSWORD }), (e) =>
    hasCode(e, 'ERR_ADMIN_NAME_INVALID'),
  );
  await d.services.admins.add({ name: 'Alice', role: 'full', password: PASSWORD });
  await assert.rejects(d.services.admins.add({ name: 'alice', role: 'full', password: PASSWORD }), (e) =>
    hasCode(e, 'ERR_ADMIN_EXISTS'),
  );
  await assert.rejects(d.services.admins.set('alice', { role: 'read-only' }), (e) =>
    hasCode(e, 'ERR_ADMIN_LAST_FULL'),
  );
  await assert.rejects(d.services.admins.remove('alice'), (e) => hasCode(e, 'ERR_ADMIN_LAST_FULL'));
  await d.services.admins.add({ name: 'bob', role: 'full', password: PASSWORD });
  assert.equal((await d.services.admins.set('alice', { role: 'read-only' })).role, 'read-only');
  assert.equal((await d.services.admins.remove('alice')).name, 'alice');
  assert.deepEqual(
    (await d.services.admins.list()).map((a) => a.name),
    ['bob'],
  );
  const view = JSON.stringify(await d.services.admins.get('bob'));
  assert.ok(!view.includes('hash') && !view.includes('salt'), view);
});

test('sign-in: lockout after 5 failures with doubling back-off, unknown names alike, success resets', async (t) => {
  const { d, clock } = memoryDeployment(t);
  await d.services.admins.add({ name: 'alice', role: 'partner', password: PASSWORD });
  for (const name of ['alice', 'ghost']) {
    for (let i = 0; i < 5; i++)
      await assert.rejects(d.services.admins.signIn(name, 'wrong password!', '192.0.2.1'), (e) =>
        hasCode(e, 'ERR_ADMIN_SIGN_IN_FAILED'),
      );
    // Locked now: even the right password is refused, for a real and an unknown name alike.
    await assert.rejects(
      d.services.admins.signIn(name, PASSWORD, '192.0.2.1'),
      (e) => hasCode(e, 'ERR_ADMIN_LOCKED') && e.details.retryAfterSeconds === 30,
    );
  }
  assert.ok((await d.services.admins.get('alice')).lockedUntil);
  clock.advance(31_000);
  await assert.rejects(d.services.admins.signIn('alice', 'wrong again!!', '192.0.2.1'), (e) =>
    hasCode(e, 'ERR_ADMIN_SIGN_IN_FAILED'),
  );
  await assert.rejects(
    d.services.admins.signIn('alice', PASSWORD, '192.0.2.1'),
    (e) => hasCode(e, 'ERR_ADMIN_LOCKED') && e.details.retryAfterSeconds === 60,
  );
  clock.advance(61_000);
  const session = await d.services.admins.signIn('alice', PASSWORD, '192.0.2.1');
  assert.equal(session.role, 'partner');
  assert.equal((await d.services.admins.get('alice')).failedSignIns, 0);
  const signIns = (await d.services.audit.list()).filter((e) => e.operation === 'session.sign-in');
  assert.equal(signIns.filter((e) => e.outcome === 'refused').length, 14);
  assert.equal(signIns.at(-1)!.outcome, 'success');
  assert.ok(!JSON.stringify(signIns).includes(PASSWORD));
});

test('sessions: stored hashed, expire, end on password change; a new id at every sign-in', async (t) => {
  const { d, clock } = memoryDeployment(t);
  await d.services.admins.add({ name: 'alice', role: 'full', password: PASSWORD });
  const a = await d.services.admins.signIn('alice', PASSWORD, '192.0.2.1');
  const b = await d.services.admins.signIn('alice', PASSWORD, '192.0.2.1');
  assert.notEqual(a.sessionId, b.sessionId);
  assert.ok(!JSON.stringify(await d.store.list('admin-session')).includes(a.sessionId));
  const info = await d.services.admins.session(a.sessionId);
  assert.equal(info?.name, 'alice');
  assert.ok(d.services.admins.csrfMatches(info, a.csrfToken));
  assert.ok(!d.services.admins.csrfMatches(info, b.csrfToken));
  await d.services.admins.set('alice', { password: `${PASSWORD}!` });
  assert.equal(await d.services.admins.session(a.sessionId), undefined);
  const c = await d.services.admins.signIn('alice', `${PASSWORD}!`, '192.0.2.1');
  // Used every 20 minutes, it lives 8 hours from sign-in; unused for over 30 minutes, it ends.
  for (let i = 0; i < 23; i++) {
    clock.advance(20 * 60_000);
    assert.ok(await d.services.admins.session(c.sessionId), `in use after ${(i + 1) * 20} minutes`);
  }
  clock.advance(20 * 60_000 + 1);
  assert.equal(await d.services.admins.session(c.sessionId), undefined, 'past 8 hours');
  const idle = await d.services.admins.signIn('alice', `${PASSWORD}!`, '192.0.2.1');
  clock.advance(31 * 60_000);
  assert.equal(await d.services.admins.session(idle.sessionId), undefined, 'idle for 31 minutes');
});

test('API tokens: shown once, stored hashed, verified, revoked, expired; expiry bounds', async (t) => {
  const { d, clock } = memoryDeployment(t);
  const { token, tokenInfo } = await d.services.admins.newToken({
    name: 'ci',
    role: 'certificate',
    expires: '2d',
  });
  assert.match(token, /^s2sat_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.equal(tokenInfo.createdBy, 'operator');
  assert.ok(!JSON.stringify(await d.store.list('admin-token')).includes(token.split('_')[2]!));
  assert.ok(!JSON.stringify(await d.services.admins.listTokens()).includes(token.split('_')[2]!));
  assert.deepEqual(await d.services.admins.verifyToken(token), {
    kind: 'token',
    name: 'token:ci',
    role: 'certificate',
  });
  const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  assert.equal(await d.services.admins.verifyToken(altered), undefined);
  clock.advance(2 * 86_400_000 + 1);
  assert.equal(await d.services.admins.verifyToken(token), undefined);
  assert.equal((await d.services.admins.listTokens())[0]!.state, 'expired');
  const second = await d.services.admins.newToken({ name: 'ci2', role: 'full', expires: '90d' });
  assert.equal((await d.services.admins.revokeToken(second.tokenInfo.id)).state, 'revoked');
  assert.equal(await d.services.admins.verifyToken(second.token), undefined);
  for (const expires of ['10m', '400d', 'soon', '2020-01-01T00:00:00Z'])
    await assert.rejects(d.services.admins.newToken({ name: 'x', role: 'full', expires }), (e) =>
      hasCode(e, 'ERR_ADMIN_TOKEN_EXPIRY'),
    );
  await assert.rejects(d.services.admins.revokeToken('0000000000000000'), (e) =>
    hasCode(e, 'ERR_ADMIN_TOKEN_NOT_FOUND'),
  );
  assert.equal(LOCAL.role, 'full');
});

test('administrators and the audit log are sealed: a document edited in the store is refused', async (t) => {
  const { d, store } = memoryDeployment(t);
  await d.services.admins.add({ name: 'alice', role: 'read-only', password: PASSWORD });
  const raw = await store.get<Record<string, unknown>>('admin', 'alice');
  await store.write([
    { op: 'put', kind: 'admin', key: 'alice', body: { ...raw!.body, role: 'full' }, expect: raw!.version },
  ]);
  await assert.rejects(d.services.admins.get('alice'), (e) => hasCode(e, 'ERR_STORE_INTEGRITY'));
  const entry = (await store.list<Record<string, unknown>>('audit'))[0]!;
  await store.write([
    {
      op: 'put',
      kind: 'audit',
      key: entry.key,
      body: { ...entry.body, outcome: 'refused' },
      expect: entry.version,
    },
  ]);
  await assert.rejects(d.services.audit.list(), (e) => hasCode(e, 'ERR_STORE_INTEGRITY'));
});
