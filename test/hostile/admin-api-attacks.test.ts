// test-file-timeout: 600s
/**
 * Attacks on the administration API (docs/admin.md; docs/security.md "Administration"), over real HTTPS:
 * password guessing (the lockout holds, backs off, and unknown names are answered like wrong passwords,
 * in the same time), cross-origin requests with the session cookie (CSRF), session fixation, revoked and
 * expired API tokens, a token of one role on another role's operation, and tampered cookies.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { PASSWORD, operation, signIn, startAdminServer } from '../admin/admin-server.ts';
import type { AdminServer } from '../admin/admin-server.ts';

describe('administration API under attack', () => {
  let s: AdminServer;
  before(async () => {
    s = await startAdminServer({ populate: false });
  });
  after(() => s.close());

  const signInAs = (name: string, password: string, headers: Record<string, string> = {}) =>
    s.call('POST', '/admin/api/v1/session', { body: { name, password }, headers });

  test('brute force: 5 failures lock the name, the right password is refused while locked, back-off doubles', async () => {
    const name = s.admins.partner;
    for (let i = 0; i < 5; i++) {
      const a = await signInAs(name, `guess number ${i}`);
      assert.equal(a.status, 401);
      assert.equal(a.json.code, 'ERR_ADMIN_SIGN_IN_FAILED');
    }
    const locked = await signInAs(name, PASSWORD);
    assert.equal(locked.status, 429);
    assert.equal(locked.json.code, 'ERR_ADMIN_LOCKED');
    assert.equal(locked.headers['retry-after'], '30');
    s.clock.advance(31_000);
    assert.equal((await signInAs(name, 'one more guess')).status, 401);
    const longer = await signInAs(name, PASSWORD);
    assert.equal(longer.status, 429);
    assert.equal(longer.headers['retry-after'], '60');
    // An unknown name walks the same path: no answer tells it from a real one.
    for (let i = 0; i < 5; i++) assert.equal((await signInAs('nobody-here', `guess ${i}`)).status, 401);
    const ghost = await signInAs('nobody-here', PASSWORD);
    assert.equal(ghost.status, 429);
    assert.equal(ghost.headers['retry-after'], '30');
    s.clock.advance(61_000);
    assert.equal((await signInAs(name, PASSWORD)).status, 200);
  });

  test('no timing oracle: an unknown name and a wrong password cost the same and answer the same bytes', async () => {
    const name = s.admins.certificate;
    const known: number[] = [];
    const unknown: number[] = [];
    let knownBody = '';
    let unknownBody = '';
    const timed = async (who: string, password: string) => {
      const t0 = performance.now();
      const answer = await signInAs(who, password);
      return { answer, ms: performance.now() - t0 };
    };
    for (let i = 0; i < 12; i++) {
      await s.d.services.admins.set(name, { unlock: true }); // keep the real name below the lockout
      // Alternate which goes first, so a pause of the machine does not always land on the same side.
      let a: Awaited<ReturnType<typeof timed>>;
      let b: Awaited<ReturnType<typeof timed>>;
      if (i % 2 === 0) {
        a = await timed(name, `wrong password ${i}`);
        b = await timed(`ghost-${i}`, `wrong password ${i}`);
      } else {
        b = await timed(`ghost-${i}`, `wrong password ${i}`);
        a = await timed(name, `wrong password ${i}`);
      }
      known.push(a.ms);
      unknown.push(b.ms);
      knownBody = a.answer.text;
      unknownBody = b.answer.text;
      assert.equal(a.answer.status, 401);
      assert.equal(b.answer.status, 401);
    }
    assert.equal(knownBody, unknownBody);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const ratio = median(unknown) / median(known);
    // Both pay one scrypt derivation (tens of milliseconds); an unknown name that skipped it would be many times faster.
    assert.ok(
      ratio > 0.5 && ratio < 2,
      `median unknown/known = ${ratio.toFixed(2)} (${median(unknown).toFixed(1)} / ${median(known).toFixed(1)} ms)`,
    );
  });

  test('CSRF: the session cookie alone, another origin, another site, or a form body change nothing', async () => {
    const { cookie, csrf, answer } = await signIn(s, s.admins.full);
    assert.equal(answer.status, 200);
    const own = `https://127.0.0.1:${s.server.port}`;
    const change = (headers: Record<string, string>, raw?: string) =>
      s.call('POST', '/admin/api/v1/operations/storage.addUser', {
        headers: { cookie, ...headers },
        ...(raw === undefined
          ? { body: { args: [{ sip: 'sip:x@contoso.com', smtp: 'x@contoso.com', upn: 'x@contoso.com' }] } }
          : { raw }),
      });
    const attempts = [
      await change({}),
      await change({ 'x-csrf-token': 'guessed' }),
      await change({ 'x-csrf-token': csrf, origin: 'https://evil.example' }),
      await change({ 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' }),
      await change({ 'x-csrf-token': csrf, 'sec-fetch-site': 'same-site' }),
      await change({ 'x-csrf-token': csrf, 'content-type': 'text/plain' }, '{"args":[]}'),
    ];
    for (const a of attempts) {
      assert.equal(a.status, 403, a.text);
      assert.equal(a.json.code, 'ERR_ADMIN_CSRF');
    }
    await assert.rejects(s.d.services.storage.getUser('sip:x@contoso.com'));
    const csrfRefusals = (await s.d.services.audit.list({ actor: s.admins.full })).filter(
      (e) => e.outcome === 'refused' && e.error?.code === 'ERR_ADMIN_CSRF',
    );
    assert.equal(csrfRefusals.length, attempts.length, 'each forged request is in the audit log');
    // A cross-origin sign-in (login CSRF) is refused too.
    const login = await signInAs(s.admins.full, PASSWORD, { origin: 'https://evil.example' });
    assert.equal(login.json.code, 'ERR_ADMIN_CSRF');
    const ok = await change({ 'x-csrf-token': csrf, origin: own, 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.status, 200, ok.text);
  });

  test('session fixation: a session id planted before sign-in is never adopted; each sign-in gets a new one', async () => {
    const planted = `__Host-s2s_session=${'A'.repeat(43)}`;
    const first = await signIn(s, s.admins.full, PASSWORD, { cookie: planted });
    assert.equal(first.answer.status, 200);
    assert.notEqual(first.cookie, planted);
    const setCookie = String(first.answer.headers['set-cookie']);
    for (const attribute of ['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/'])
      assert.ok(setCookie.includes(attribute), `${attribute} in ${setCookie}`);
    assert.ok(!/domain=/i.test(setCookie));
    assert.equal(
      (await s.call('GET', '/admin/api/v1/session', { headers: { cookie: planted } })).status,
      401,
    );
    const second = await signIn(s, s.admins.full, PASSWORD, { cookie: first.cookie });
    assert.notEqual(second.cookie, first.cookie);
    const me = await s.call('GET', '/admin/api/v1/session', { headers: { cookie: second.cookie } });
    assert.equal(me.json.admin, s.admins.full);
    assert.equal(me.json.csrfToken, second.csrf, 'the console can ask for its CSRF token again');
    // Sign-out ends the session on the server, not only in the browser.
    const out = await s.call('DELETE', '/admin/api/v1/session', {
      headers: { cookie: second.cookie, 'x-csrf-token': second.csrf },
    });
    assert.equal(out.status, 200);
    assert.equal(
      (await s.call('GET', '/admin/api/v1/session', { headers: { cookie: second.cookie } })).status,
      401,
    );
  });

  test('tampered cookies: a changed character, extra bytes, a duplicate cookie, another name', async () => {
    const { cookie } = await signIn(s, s.admins['read-only']);
    const value = cookie.split('=')[1]!;
    const flip = value.slice(0, -1) + (value.endsWith('A') ? 'B' : 'A');
    for (const bad of [
      `__Host-s2s_session=${flip}`,
      `__Host-s2s_session=${value}x`,
      `${cookie}; __Host-s2s_session=${flip}`,
      `s2s_session=${value}`,
      `__Host-s2s_session=${value.toUpperCase()}`,
    ]) {
      const a = await s.call('GET', '/admin/api/v1/session', { headers: { cookie: bad } });
      assert.equal(a.status, 401, bad);
      assert.equal(a.json.code, 'ERR_ADMIN_UNAUTHENTICATED');
    }
    assert.equal((await s.call('GET', '/admin/api/v1/session', { headers: { cookie } })).status, 200);
  });

  test("API tokens: revoked, expired or altered tokens are refused; a token of one role fails on another role's operation", async () => {
    const read = (token: string) => operation(s, token, 'partners.list');
    const cert = (await s.d.services.admins.newToken({ name: 'short', role: 'certificate', expires: '2h' }))
      .token;
    assert.equal((await read(cert)).status, 200);
    // Wrong role: a certificate token on partner and administrator operations, a partner token on certificates.
    for (const [token, id, args] of [
      [cert, 'partners.remove', ['microsoft.exchange']],
      [cert, 'admins.newToken', [{ name: 'x', role: 'full', expires: '1d' }]],
      [s.tokens.partner, 'certificates.delete', [{ thumbprint: 'AB' }]],
      [s.tokens.partner, 'ca.authority.init', [{}]],
      [s.tokens['read-only'], 'oauth.update', [{ clockSkewSeconds: 1 }]],
    ] as const) {
      const a = await operation(s, token, id, [...args]);
      assert.equal(a.status, 403, `${id}: ${a.text}`);
      assert.equal(a.json.code, 'ERR_ADMIN_FORBIDDEN');
    }
    const altered = cert.slice(0, -2) + (cert.endsWith('AA') ? 'BB' : 'AA');
    assert.equal((await read(altered)).status, 401);
    s.clock.advance(2 * 3600_000 + 1000);
    const expired = await read(cert);
    assert.equal(expired.status, 401);
    assert.equal(expired.json.code, 'ERR_ADMIN_UNAUTHENTICATED');
    const victim = await s.d.services.admins.newToken({ name: 'leaked', role: 'full', expires: '1d' });
    assert.equal((await read(victim.token)).status, 200);
    await s.d.services.admins.revokeToken(victim.tokenInfo.id);
    assert.equal((await read(victim.token)).status, 401);
    assert.ok(!JSON.stringify(await s.d.services.audit.list()).includes(victim.token.split('_')[2]!));
  });

  test('own password: any role changes it with the current one; a stolen session cannot, a token cannot', async () => {
    const name = s.admins['read-only'];
    const { cookie, csrf } = await signIn(s, name);
    const change = (body: unknown, headers: Record<string, string> = {}) =>
      s.call('POST', '/admin/api/v1/session/password', {
        headers: { cookie, 'x-csrf-token': csrf, ...headers },
        body,
      });
    const wrong = await change({
      currentPassword: 'not the password',
      newPassword: 'a brand new passphrase',
    });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.json.code, 'ERR_ADMIN_CURRENT_PASSWORD');
    const forged = await change(
      { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
      { 'x-csrf-token': 'x' },
    );
    assert.equal(forged.json.code, 'ERR_ADMIN_CSRF');
    const weak = await change({ currentPassword: PASSWORD, newPassword: 'short' });
    assert.equal(weak.json.code, 'ERR_ADMIN_PASSWORD_RULES');
    const token = await s.call('POST', '/admin/api/v1/session/password', {
      headers: { authorization: `Bearer ${s.tokens['read-only']}` },
      body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    });
    assert.equal(token.json.code, 'ERR_ADMIN_FORBIDDEN');
    const ok = await change({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(
      (await s.call('GET', '/admin/api/v1/session', { headers: { cookie } })).status,
      401,
      'sessions end',
    );
    assert.equal((await signIn(s, name, 'a brand new passphrase')).answer.status, 200);
    assert.equal((await s.d.services.admins.get(name)).role, 'read-only');
    const entries = (await s.d.services.audit.list({ actor: name })).filter(
      (e) => e.operation === 'session.password',
    );
    assert.deepEqual(
      entries.map((e) => e.outcome),
      ['refused', 'success'],
    );
    assert.ok(!JSON.stringify(entries).includes('a brand new passphrase'));
  });
});
