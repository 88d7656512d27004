/**
 * Hostile tokens against a real deployment (SQLite store, imported certificate, registered partners):
 * the must-nots of docs/protocol.md §2.7 (CVE-2026-55040), algorithm confusion, key confusion, and strict
 * parsing (RFC 8725). Every token is forged by hand; refusals are asserted by code and diagnostic.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actorClaims,
  APP_PARTNER,
  b64u,
  EXCHANGE,
  hostileWorld,
  hs256,
  HOST,
  LYNC,
  outer,
  outerClaims,
  REALM,
  rs256,
  seg,
  SHAREPOINT,
  signRaw,
  URL_OK,
} from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';
import type { ValidationOutcome } from '../../src/core/index.ts';

let w: HostileWorld;
before(async () => {
  w = await hostileWorld();
});
after(async () => w.close());

async function check(token: string, url = URL_OK): Promise<ValidationOutcome> {
  return w.d.services.tokens.validate({ authorization: `Bearer ${token}`, requestUrl: url });
}

async function refused(token: string, code?: string, detail?: number): Promise<void> {
  const out = await check(token);
  assert.equal(out.ok, false, `accepted: ${JSON.stringify(out.ok ? out.principal : null)}`);
  if (out.ok) return;
  if (code) assert.equal(out.refusal.code, code, out.refusal.message);
  if (detail) assert.equal(out.refusal.diagnostic.code, detail, out.refusal.message);
  assert.equal(out.refusal.status, 401);
  for (const part of token.split('.')) {
    if (part.length >= 16) assert.ok(!out.refusal.message.includes(part), 'the message echoes the token');
  }
}

describe('baseline: hand-built tokens of registered partners are accepted', () => {
  test('app-only actor from Exchange', async () => {
    const out = await check(rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert));
    assert.ok(out.ok, out.ok ? '' : out.refusal.message);
    assert.equal(out.ok && out.principal.partnerIdentity, 'microsoft.exchange');
  });
  test('act-as from SharePoint', async () => {
    const actor = rs256(actorClaims(w.clock, SHAREPOINT), w.sharepoint.cert);
    const out = await check(outer(outerClaims(w.clock, SHAREPOINT, actor)));
    assert.ok(out.ok, out.ok ? '' : out.refusal.message);
    assert.equal(out.ok && out.principal.mode, 'user');
  });
});

describe('§2.7 must-nots (CVE-2026-55040)', () => {
  test('forged outer + actor with signature AAAA is refused 1001', async () => {
    const actor = `${seg({ typ: 'JWT', alg: 'RS256', x5t: w.exchange.cert.x5t })}.${seg(actorClaims(w.clock, EXCHANGE))}.AAAA`;
    await refused(outer(outerClaims(w.clock, EXCHANGE, actor)), undefined, 1001);
    await refused(actor, undefined, 1001);
  });

  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    test(`actor with alg ${alg} inside an outer token is refused (2002 or 1001)`, async () => {
      const actor = `${seg({ typ: 'JWT', alg })}.${seg(actorClaims(w.clock, EXCHANGE))}.`;
      const out = await check(outer(outerClaims(w.clock, EXCHANGE, actor)));
      assert.equal(out.ok, false);
      assert.ok(
        !out.ok && [1001, 2002, 2101].includes(out.refusal.diagnostic.code),
        !out.ok ? out.refusal.message : '',
      );
    });
    test(`bare app-only token with alg ${alg} is refused`, async () => {
      const out = await check(`${seg({ typ: 'JWT', alg })}.${seg(actorClaims(w.clock, EXCHANGE))}.`);
      assert.equal(out.ok, false);
    });
  }

  for (const alg of ['RS256 ', ' RS256', 'rs256', 'RS512', 'PS256', 'ES256', 'RS256\u0000']) {
    test(`actor alg ${JSON.stringify(alg)} is refused even with a valid RS256 signature`, async () => {
      const header = JSON.stringify({ typ: 'JWT', alg, x5t: w.exchange.cert.x5t });
      await refused(
        signRaw(header, JSON.stringify(actorClaims(w.clock, EXCHANGE)), w.exchange.cert.privateKey),
      );
    });
  }

  test('HS256 keyed with the partner certificate DER, PEM, or base64 is refused', async () => {
    const c = w.exchange.cert;
    for (const secret of [
      c.der,
      c.pem,
      c.der.toString('base64'),
      c.publicKey.export({ type: 'spki', format: 'pem' }),
    ]) {
      await refused(hs256(actorClaims(w.clock, EXCHANGE), secret, { x5t: c.x5t }), undefined, 1001);
    }
  });

  test('an actor signed by OUR OWN certificate naming a partner iss is refused', async () => {
    await refused(rs256(actorClaims(w.clock, EXCHANGE), w.us.cert));
    const actor = rs256(actorClaims(w.clock, EXCHANGE), w.us.cert);
    await refused(outer(outerClaims(w.clock, EXCHANGE, actor)));
  });

  test('our own certificate without x5t (every key tried) still cannot sign for a partner', async () => {
    const h = JSON.stringify({ typ: 'JWT', alg: 'RS256' });
    await refused(signRaw(h, JSON.stringify(actorClaims(w.clock, EXCHANGE)), w.us.cert.privateKey));
  });

  test("a token naming partner A signed with partner B's key (x5t of B) is refused", async () => {
    await refused(rs256(actorClaims(w.clock, EXCHANGE), w.sharepoint.cert));
  });

  test("a token naming partner A signed by B with A's x5t is refused 1001", async () => {
    await refused(
      rs256(actorClaims(w.clock, EXCHANGE), w.sharepoint.cert, { x5t: w.exchange.cert.x5t }),
      undefined,
      1001,
    );
  });

  test("a partner's token carrying OUR x5t is refused", async () => {
    await refused(rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert, { x5t: w.us.cert.x5t }));
  });

  test("a token naming US signed by a partner's key (its x5t, ours, or none) is refused", async () => {
    const claims = actorClaims(w.clock, LYNC);
    await refused(rs256(claims, w.exchange.cert));
    await refused(rs256(claims, w.exchange.cert, { x5t: w.us.cert.x5t }), undefined, 1001);
    await refused(
      signRaw(JSON.stringify({ alg: 'RS256' }), JSON.stringify(claims), w.exchange.cert.privateKey),
    );
    const self = await check(rs256(claims, w.us.cert));
    assert.ok(self.ok && self.principal.kind === 'self', 'servers of our pool trust our own certificate');
  });

  test('iss(actor) ↔ nameid(actor) ↔ iss(outer) are bound', async () => {
    const mixedNameid = rs256(
      actorClaims(w.clock, EXCHANGE, { nameid: `${SHAREPOINT}@${REALM}` }),
      w.exchange.cert,
    );
    await refused(mixedNameid, undefined, 7002);
    const otherRealm = rs256(
      actorClaims(w.clock, EXCHANGE, { nameid: `${EXCHANGE}@fabrikam.com` }),
      w.exchange.cert,
    );
    await refused(otherRealm, undefined, 2017);
    const actor = rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert);
    await refused(outer(outerClaims(w.clock, SHAREPOINT, actor)), undefined, 2015);
    await refused(
      outer(outerClaims(w.clock, EXCHANGE, actor, { iss: `${EXCHANGE}@fabrikam.com` })),
      undefined,
      2016,
    );
  });

  test('a signed outer token is refused 2001', async () => {
    const actor = rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert);
    await refused(rs256(outerClaims(w.clock, EXCHANGE, actor), w.exchange.cert), undefined, 2001);
  });

  test('alg:none outer with a non-empty signature segment is refused', async () => {
    const actor = rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert);
    await refused(outer(outerClaims(w.clock, EXCHANGE, actor)) + 'AAAA');
  });

  test('an outer token nested inside another outer token is refused', async () => {
    const actor = rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert);
    const inner = outer(outerClaims(w.clock, EXCHANGE, actor));
    await refused(outer(outerClaims(w.clock, EXCHANGE, inner)));
  });

  test('a signed actor that itself carries an actortoken is refused', async () => {
    const real = rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert);
    const nested = rs256(actorClaims(w.clock, EXCHANGE, { actortoken: real }), w.exchange.cert);
    await refused(outer(outerClaims(w.clock, EXCHANGE, nested)));
  });

  test('an actor carrying user claims (PnP rule) is refused 2106', async () => {
    await refused(
      rs256(actorClaims(w.clock, EXCHANGE, { upn: 'admin@contoso.com' }), w.exchange.cert),
      undefined,
      2106,
    );
  });

  test('Application trust refuses act-as (7101)', async () => {
    const actor = rs256(actorClaims(w.clock, APP_PARTNER), w.appPartner.cert);
    await refused(outer(outerClaims(w.clock, APP_PARTNER, actor)), undefined, 7101);
  });
});

describe('claims: numbers, bounds, duplicates, prototypes', () => {
  const timeCases: Array<[string, (n: number) => unknown]> = [
    ['1e11 (past the sane bound)', () => 1e11],
    ['"1e10"', () => '1e10'],
    ['1.0 (as number text)', (n) => `${n}.0`],
    ['-1', () => -1],
    ['"0x10"', () => '0x10'],
    ['"  123"', () => '  123'],
    ['" 1700000000"', (n) => ` ${n}`],
    ['"+N"', (n) => `+${n}`],
    ['null', () => null],
    ['true', () => true],
    ['[N]', (n) => [n]],
    ['"" ', () => ''],
  ];
  for (const [name, value] of timeCases) {
    test(`exp ${name} is refused`, async () => {
      const now = Math.floor(w.clock.now().getTime() / 1000);
      await refused(rs256(actorClaims(w.clock, EXCHANGE, { exp: value(now + 3600) }), w.exchange.cert));
    });
  }

  test('exp as a plain JSON number is accepted (ACS style)', async () => {
    const now = Math.floor(w.clock.now().getTime() / 1000);
    const out = await check(
      rs256(actorClaims(w.clock, EXCHANGE, { nbf: now - 60, exp: now + 3600 }), w.exchange.cert),
    );
    assert.ok(out.ok);
  });

  for (const lexeme of ['N.0', 'Ne0', '1e10', 'N.5', '-N', '0N', 'N ']) {
    test(`exp written as the raw JSON number ${lexeme} is refused (only plain decimal integers)`, async () => {
      const now = Math.floor(w.clock.now().getTime() / 1000);
      const text = lexeme.replace('N', String(now + 3600));
      const payload = JSON.stringify(actorClaims(w.clock, EXCHANGE)).replace(/"exp":"\d+"/, `"exp":${text}`);
      const t = signRaw(
        JSON.stringify({ typ: 'JWT', alg: 'RS256', x5t: w.exchange.cert.x5t }),
        payload,
        w.exchange.cert.privateKey,
      );
      if (lexeme === 'N ') {
        // insignificant JSON whitespace after a plain integer is still a plain integer
        assert.ok((await check(t)).ok);
        return;
      }
      await refused(t);
    });
  }

  test('expired and not-yet-valid beyond skew are refused (3001, 3101)', async () => {
    const now = Math.floor(w.clock.now().getTime() / 1000);
    await refused(
      rs256(
        actorClaims(w.clock, EXCHANGE, { nbf: String(now - 7200), exp: String(now - 600) }),
        w.exchange.cert,
      ),
      undefined,
      3001,
    );
    await refused(
      rs256(
        actorClaims(w.clock, EXCHANGE, { nbf: String(now + 900), exp: String(now + 3600) }),
        w.exchange.cert,
      ),
      undefined,
      3101,
    );
  });

  test('duplicate claims (also via escapes) are refused', async () => {
    const h = JSON.stringify({ typ: 'JWT', alg: 'RS256', x5t: w.exchange.cert.x5t });
    const base = JSON.stringify(actorClaims(w.clock, EXCHANGE));
    const dupIss = base.replace('{', `{"iss":"${LYNC}@${REALM}",`);
    await refused(signRaw(h, dupIss, w.exchange.cert.privateKey));
    const escaped = base.replace('{', `{"\\u0069ss":"${LYNC}@${REALM}",`);
    await refused(signRaw(h, escaped, w.exchange.cert.privateKey));
    const dupHeader = `{"alg":"none","typ":"JWT","alg":"RS256","x5t":"${w.exchange.cert.x5t}"}`;
    await refused(signRaw(dupHeader, base, w.exchange.cert.privateKey));
  });

  test('__proto__ / constructor / prototype claims cannot pollute or be accepted as claims', async () => {
    const h = JSON.stringify({ typ: 'JWT', alg: 'RS256', x5t: w.exchange.cert.x5t });
    const base = JSON.stringify(actorClaims(w.clock, EXCHANGE));
    await refused(
      signRaw(h, base.replace('{', '{"__proto__":{"isAdmin":true},'), w.exchange.cert.privateKey),
    );
    await refused(signRaw(h.replace('{', '{"__proto__":{"alg":"none"},'), base, w.exchange.cert.privateKey));
    const ctor = await check(
      signRaw(
        h,
        base.replace('{', '{"constructor":{"prototype":{"polluted":1}},'),
        w.exchange.cert.privateKey,
      ),
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
    if (ctor.ok) assert.equal(ctor.principal.partnerIdentity, 'microsoft.exchange');
  });

  test('toString / hasOwnProperty as iss do not reach Object.prototype lookups', async () => {
    for (const iss of [
      '__proto__@contoso.com',
      'constructor@contoso.com',
      'toString@contoso.com',
      'hasOwnProperty@contoso.com',
    ]) {
      await refused(rs256(actorClaims(w.clock, EXCHANGE, { iss, nameid: iss }), w.exchange.cert));
    }
  });
});

describe('shape: segments, encoding, size', () => {
  const good = () => rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert);

  test('2 and 4 segments, empty segments are refused 2101', async () => {
    const [h, p, s] = good().split('.') as [string, string, string];
    for (const t of [
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `.${p}.${s}`,
      `${h}..${s}`,
      `${h}.${p}.`,
      '...',
      '.',
    ]) {
      await refused(t, undefined, undefined);
    }
  });

  test('non-canonical base64url (padding, + and /, unused trailing bits, inner whitespace) is refused', async () => {
    const t = good();
    const [h, p, s] = t.split('.') as [string, string, string];
    // RSA-2048 signature: 256 bytes = 342 chars + 2 unused bits in the last one; set them (same bytes).
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sNonCanonical = s.slice(0, -1) + alphabet[alphabet.indexOf(s.at(-1)!) | 1];
    assert.ok(Buffer.from(sNonCanonical, 'base64url').equals(Buffer.from(s, 'base64url')));
    const std = (x: string) => x.replaceAll('-', '+').replaceAll('_', '/');
    for (const bad of [
      `${h}==.${p}.${s}`,
      `${h}.${p}.${s}==`,
      `${h}.${p}.${sNonCanonical}`,
      s.includes('-') || s.includes('_') ? `${h}.${p}.${std(s)}` : `${h}.${p}.${s}+`,
      `${h}.\n${p}.${s}`,
      `${h}. ${p}.${s}`,
      `${h}.${p.slice(0, 10)} ${p.slice(10)}.${s}`,
    ]) {
      await refused(bad);
    }
  });

  test('whitespace around the token is HTTP/RFC 6750 syntax (1*SP, OWS) and tolerated', async () => {
    const t = good();
    for (const auth of [`Bearer  ${t}`, `Bearer ${t} `, `bearer ${t}`, `BEARER ${t}`]) {
      const out = await w.d.services.tokens.validate({ authorization: auth, requestUrl: URL_OK });
      assert.ok(out.ok, auth.slice(0, 12));
    }
  });

  test('huge tokens and huge headers are refused quickly without crashing', async () => {
    const big = 'A'.repeat(2 * 1024 * 1024);
    const started = Date.now();
    await refused(`${big}.${big}.${big}`);
    const bigHeader = rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert, { pad: 'x'.repeat(4096) });
    await refused(bigHeader);
    const bigClaim = rs256(actorClaims(w.clock, EXCHANGE, { smtp: 'x'.repeat(64 * 1024) }), w.exchange.cert);
    await refused(bigClaim);
    const deep = rs256(
      actorClaims(w.clock, EXCHANGE, { deep: JSON.parse('['.repeat(500) + ']'.repeat(500)) }),
      w.exchange.cert,
    );
    await refused(deep);
    assert.ok(Date.now() - started < 2000);
  });

  test('refused header members jwk/jku/x5u/x5c/crit', async () => {
    for (const extra of [
      { jku: 'https://evil.example/jwks' },
      { x5u: 'https://evil.example/c' },
      { jwk: { kty: 'RSA' } },
      { x5c: [w.exchange.cert.der.toString('base64')] },
      { crit: ['exp'] },
    ]) {
      const out = await check(rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert, extra));
      // x5c of a 2048-bit certificate also exceeds the 1 KiB header cap (2102): either way, never used
      assert.ok(!out.ok && [2102, 2103].includes(out.refusal.diagnostic.code));
    }
  });

  test('header/payload that are not objects, invalid UTF-8, BOM', async () => {
    const sig = 'AAAA';
    for (const t of [
      `${seg('[]')}.${seg(actorClaims(w.clock, EXCHANGE))}.${sig}`,
      `${seg('"x"')}.${seg(actorClaims(w.clock, EXCHANGE))}.${sig}`,
      `${b64u(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('{"alg":"RS256"}')]))}.${seg({})}.${sig}`,
      `${b64u(Buffer.from([0xc0, 0xaf]))}.${seg({})}.${sig}`,
    ]) {
      await refused(t, undefined, undefined);
    }
  });
});

describe('audience', () => {
  test('wrong id, host, realm, port and case tricks', async () => {
    const c = w.exchange.cert;
    await refused(
      rs256(actorClaims(w.clock, EXCHANGE, { aud: `${EXCHANGE}/${HOST}@${REALM}` }), c),
      undefined,
      4003,
    );
    await refused(
      rs256(actorClaims(w.clock, EXCHANGE, { aud: `${LYNC}/evil.example@${REALM}` }), c),
      undefined,
      4002,
    );
    await refused(
      rs256(actorClaims(w.clock, EXCHANGE, { aud: `${LYNC}/${HOST}@fabrikam.com` }), c),
      undefined,
      5002,
    );
    await refused(rs256(actorClaims(w.clock, EXCHANGE, { aud: `${LYNC}/${HOST}@` }), c), undefined, 4001);
    await refused(rs256(actorClaims(w.clock, EXCHANGE, { aud: `${LYNC}@${REALM}/${HOST}` }), c));
    await refused(rs256(actorClaims(w.clock, EXCHANGE, { aud: [`${LYNC}/${HOST}@${REALM}`] }), c));
    await refused(
      rs256(actorClaims(w.clock, EXCHANGE, { aud: `${LYNC}/${HOST}.evil.example@${REALM}` }), c),
      undefined,
      4002,
    );
    await refused(rs256(actorClaims(w.clock, EXCHANGE, { aud: `${LYNC}/${HOST}@${REALM}\u0000` }), c));
  });
  test('host compared case-insensitively (accepted)', async () => {
    const out = await check(
      rs256(actorClaims(w.clock, EXCHANGE, { aud: `${LYNC}/POOL.Contoso.COM@${REALM}` }), w.exchange.cert),
    );
    assert.ok(out.ok, out.ok ? '' : out.refusal.message);
  });
});
