import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import type { PartnerApplication, TrustLevel } from '../partners/partner-application.ts';
import { PRINCIPAL_IDS } from '../shared/principals.ts';
import { buildActAsToken, buildActorToken, NII_ACTIVE_DIRECTORY } from './token-issuer.ts';
import { DEFAULT_TOKEN_LIMITS } from './token-limits.ts';
import { explainToken, validateAuthorization, validateAuthorizationAsync } from './token-validator.ts';
import type { TrustContext, TrustedKey } from './trust-context.ts';
import type { ValidationReport } from './token-validator.ts';
import { signRs256 } from './rs256.ts';

const LYNC = PRINCIPAL_IDS.lync;
const EXCHANGE = PRINCIPAL_IDS.exchange;
const REALM = 'contoso.com';
const HOST = 'pool.contoso.com';
const URL_ = `https://${HOST}/ucwa/oauth/v1`;
const NOW = new Date('2026-06-01T12:00:00Z');
const AUD = `${LYNC}/${HOST}@${REALM}`;
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const secs = (d: Date) => Math.floor(d.getTime() / 1000);

let ours: TestCertificate;
let oursPrevious: TestCertificate;
let exchange: TestCertificate;

const keyOf = (c: TestCertificate, role: TrustedKey['role']): TrustedKey => ({
  thumbprint: c.thumbprint,
  x5t: c.x5t,
  publicKey: c.publicKey,
  role,
});

function partner(over: Partial<PartnerApplication> = {}): PartnerApplication {
  return {
    identity: 'microsoft.exchange',
    applicationIdentifier: EXCHANGE,
    realm: REALM,
    issuer: `${EXCHANGE}@${REALM}`,
    trustLevel: 'Full',
    enabled: true,
    acceptSecurityIdentifierInformation: false,
    source: 'certificate',
    metadataUrl: null,
    allowInsecureHttp: false,
    keys: [{ thumbprint: exchange.thumbprint, certificate: exchange.der.toString('base64') }],
    refresh: { lastSuccessAt: null, lastAttemptAt: null, lastError: null },
    storageUrl: null,
    ...over,
  };
}

function context(
  over: { partner?: Partial<PartnerApplication>; hostNames?: string[]; now?: Date } = {},
): TrustContext {
  return {
    serviceName: LYNC,
    realm: REALM,
    hostNames: over.hostNames ?? [HOST],
    clockSkewSeconds: 300,
    now: over.now ?? NOW,
    ownKeys: [keyOf(ours, 'current'), keyOf(oursPrevious, 'previous')],
    partners: [{ application: partner(over.partner), keys: [keyOf(exchange, 'partner')] }],
    limits: DEFAULT_TOKEN_LIMITS,
  };
}

function actorClaims(over: Record<string, unknown> = {}) {
  return {
    aud: AUD,
    iss: `${EXCHANGE}@${REALM}`,
    nbf: String(secs(NOW) - 60),
    exp: String(secs(NOW) + 3600),
    nameid: `${EXCHANGE}@${REALM}`,
    trustedfordelegation: 'true',
    ...over,
  };
}

/** Builds any token: header and payload as given (raw strings kept verbatim), RS256-signed with `cert` unless unsigned. */
function forge(header: unknown, payload: unknown, cert: TestCertificate | null = exchange): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${cert ? signRs256(input, cert.privateKey).toString('base64url') : ''}`;
}
const rsHeader = (cert: TestCertificate = exchange, over: Record<string, unknown> = {}) => ({
  typ: 'JWT',
  alg: 'RS256',
  x5t: cert.x5t,
  ...over,
});
const actor = (over: Record<string, unknown> = {}, cert: TestCertificate = exchange) =>
  forge(rsHeader(cert), actorClaims(over), cert);
function outer(
  actorToken: string,
  over: Record<string, unknown> = {},
  header: unknown = { typ: 'JWT', alg: 'none' },
) {
  const claims = {
    aud: AUD,
    iss: `${EXCHANGE}@${REALM}`,
    nbf: String(secs(NOW) - 60),
    exp: String(secs(NOW) + 1800),
    nameid: 's-1-5-21-1',
    nii: NII_ACTIVE_DIRECTORY,
    smtp: 'alice@contoso.com',
    sip: 'alice@contoso.com',
    upn: 'alice@contoso.com',
    actortoken: actorToken,
    ...over,
  };
  return forge(header, claims, null);
}

function check(token: string, ctx = context(), url = URL_): ValidationReport {
  return validateAuthorization(`Bearer ${token}`, url, ctx);
}
function refused(report: ValidationReport, code: string, detail: number) {
  assert.equal(report.outcome.ok, false, `expected ${code}`);
  if (report.outcome.ok) return;
  assert.equal(report.outcome.refusal.code, code);
  assert.equal(report.outcome.refusal.diagnostic.code, detail);
  assert.equal(report.outcome.refusal.status, 401);
}

before(async () => {
  ours = await makeCertificate({ subject: 'CN=pool.contoso.com', freshKey: true });
  oursPrevious = await makeCertificate({ subject: 'CN=pool-old.contoso.com', freshKey: true });
  exchange = await makeCertificate({ subject: 'CN=mail.contoso.com', freshKey: true });
});

describe('accepted tokens', () => {
  test('an app-only token from a Full partner yields an app principal', () => {
    const r = check(actor());
    assert.ok(r.outcome.ok);
    if (!r.outcome.ok) return;
    const p = r.outcome.principal;
    assert.deepEqual(
      [p.kind, p.partnerIdentity, p.mode, p.trustLevel, p.user, p.signingThumbprint],
      ['partner', 'microsoft.exchange', 'app', 'Full', null, exchange.thumbprint],
    );
    assert.equal(p.expiresAt.getTime(), (secs(NOW) + 3600) * 1000);
  });

  test('an act-as token yields the user claims and the earlier expiry', () => {
    const r = check(outer(actor()));
    assert.ok(r.outcome.ok);
    if (!r.outcome.ok) return;
    assert.equal(r.outcome.principal.mode, 'user');
    assert.deepEqual(
      { ...r.outcome.principal.user },
      {
        nameid: 's-1-5-21-1',
        nii: NII_ACTIVE_DIRECTORY,
        smtp: 'alice@contoso.com',
        sip: 'alice@contoso.com',
        upn: 'alice@contoso.com',
      },
    );
    assert.equal(r.outcome.principal.expiresAt.getTime(), (secs(NOW) + 1800) * 1000);
  });

  test('tokens built by our issuer validate as self, with current and previous certificates', () => {
    for (const cert of [ours, oursPrevious]) {
      const actorToken = buildActorToken({
        audience: AUD,
        issuer: `${LYNC}@${REALM}`,
        notBefore: NOW,
        expiresAt: new Date(NOW.getTime() + 86400_000),
        signer: { x5t: cert.x5t, privateKey: cert.privateKey },
      });
      const app = check(actorToken);
      assert.ok(
        app.outcome.ok &&
          app.outcome.principal.kind === 'self' &&
          app.outcome.principal.signingThumbprint === cert.thumbprint,
      );
      const user = {
        nameid: 'alice@contoso.com',
        nii: null,
        smtp: 'alice@contoso.com',
        sip: 'alice@contoso.com',
        upn: 'alice@contoso.com',
      };
      const asUser = buildActAsToken({
        audience: AUD,
        issuer: `${LYNC}@${REALM}`,
        notBefore: NOW,
        expiresAt: new Date(NOW.getTime() + 8 * 3600_000),
        user,
        actorToken,
        actorExpiresAt: new Date(NOW.getTime() + 86400_000),
      });
      const r = check(asUser);
      assert.ok(r.outcome.ok && r.outcome.principal.mode === 'user');
    }
  });

  test('numeric nbf/exp and upper-case identifiers are accepted; the audience host may carry :443', () => {
    const r = check(
      actor({
        nbf: secs(NOW) - 10,
        exp: secs(NOW) + 10,
        aud: `${LYNC.toUpperCase()}/POOL.contoso.com:443@CONTOSO.COM`,
        iss: `${EXCHANGE.toUpperCase()}@Contoso.com`,
      }),
    );
    assert.ok(r.outcome.ok, JSON.stringify(r.steps.at(-1)));
  });

  test('without configured host names the request URL authority is the audience host', () => {
    assert.ok(check(actor(), context({ hostNames: [] })).outcome.ok);
    refused(
      check(actor(), context({ hostNames: [] }), 'https://other.contoso.com/x'),
      'ERR_TOKEN_AUDIENCE_HOST',
      4002,
    );
  });

  test('one trust context used for many tokens gives each the verdict of a fresh one (checks remembered per trust)', () => {
    const shared = context({ hostNames: [] });
    const other = 'https://other.contoso.com/x';
    const cases: Array<[string, string]> = [
      [actor(), URL_],
      [actor(), other],
      [actor(), URL_],
      [actor({ aud: `${LYNC}/${HOST}@fabrikam.com` }), URL_],
      [actor({ aud: `${LYNC.toUpperCase()}/POOL.contoso.com:443@CONTOSO.COM` }), URL_],
      [actor({ aud: `${LYNC.toUpperCase()}/POOL.contoso.com:443@CONTOSO.COM` }), other],
      [actor({ nameid: `${LYNC}@${REALM}` }), URL_],
      [actor({ nameid: `${EXCHANGE}@fabrikam.com` }), URL_],
      [actor({ iss: `${EXCHANGE}@fabrikam.com` }), URL_],
      [
        forge(rsHeader(ours), actorClaims({ iss: `${LYNC}@${REALM}`, nameid: `${EXCHANGE}@${REALM}` }), ours),
        URL_,
      ],
      [
        forge(rsHeader(ours), actorClaims({ iss: `${LYNC}@${REALM}`, nameid: `${LYNC}@${REALM}` }), ours),
        URL_,
      ],
      [outer(actor()), URL_],
      [outer(actor(), { iss: `${LYNC}@${REALM}` }), URL_],
      [
        outer(
          forge(rsHeader(ours), actorClaims({ iss: `${LYNC}@${REALM}`, nameid: `${LYNC}@${REALM}` }), ours),
        ),
        URL_,
      ],
      [
        outer(
          forge(rsHeader(ours), actorClaims({ iss: `${LYNC}@${REALM}`, nameid: `${LYNC}@${REALM}` }), ours),
          { iss: `${LYNC}@${REALM}` },
        ),
        URL_,
      ],
      [outer(actor()), other],
      [outer(actor()), URL_],
    ];
    const verdict = (r: ValidationReport) => (r.outcome.ok ? r.outcome.principal : r.outcome.refusal.code);
    for (const [i, [token, url]] of cases.entries())
      assert.deepEqual(
        verdict(check(token, shared, url)),
        verdict(check(token, context({ hostNames: [] }), url)),
        `case ${i}`,
      );
    // Both verdicts occur, so the comparison above covers remembered acceptances and refusals after them.
    const codes = cases.map(([token, url]) => check(token, shared, url).outcome.ok);
    assert.ok(codes.includes(true) && codes.includes(false));
  });

  test('a clock skew of up to 5 minutes is tolerated both ways', () => {
    assert.ok(check(actor({ nbf: String(secs(NOW) + 200) })).outcome.ok);
    assert.ok(check(actor({ exp: String(secs(NOW) - 200), nbf: String(secs(NOW) - 900) })).outcome.ok);
  });
});

describe('refusals and their Exchange diagnostics', () => {
  test('unsigned actor inside an act-as token: 2002', () => {
    refused(
      check(outer(forge({ typ: 'JWT', alg: 'none' }, actorClaims(), null))),
      'ERR_TOKEN_ACTOR_UNSIGNED',
      2002,
    );
  });
  test('signed outer token: 2001', () => {
    refused(check(outer(actor(), {}, rsHeader())), 'ERR_TOKEN_OUTER_SIGNED', 2001);
    const signedOuter = forge(rsHeader(), { ...actorClaims(), actortoken: actor() });
    refused(check(signedOuter), 'ERR_TOKEN_OUTER_SIGNED', 2001);
  });
  test('alg none on a bare token (no actortoken): 2002', () => {
    refused(check(forge({ typ: 'JWT', alg: 'none' }, actorClaims(), null)), 'ERR_TOKEN_ACTOR_UNSIGNED', 2002);
  });
  test('HS256 keyed with the public certificate: 1001, never verified as HMAC', () => {
    for (const secret of [exchange.pem, exchange.der]) {
      const input = `${b64({ typ: 'JWT', alg: 'HS256', x5t: exchange.x5t })}.${b64(actorClaims())}`;
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      refused(check(token), 'ERR_TOKEN_ALG_NOT_ALLOWED', 1001);
    }
  });
  test('a token signed by our own certificate but naming a partner as issuer: 10001', () => {
    const r = check(actor({}, ours));
    refused(r, 'ERR_TOKEN_KEY_UNKNOWN', 10001);
    // and with the partner's x5t pasted in, the partner key does not verify our signature
    refused(check(forge(rsHeader(exchange), actorClaims(), ours)), 'ERR_TOKEN_INVALID_SIGNATURE', 1001);
  });
  test('a partner certificate is never accepted for our own issuer', () => {
    const claims = actorClaims({ iss: `${LYNC}@${REALM}`, nameid: `${LYNC}@${REALM}` });
    refused(check(forge(rsHeader(exchange), claims, exchange)), 'ERR_TOKEN_KEY_UNKNOWN', 10001);
  });
  test('unknown x5t: 10001 and a refresh signal for that partner', async () => {
    const stranger = await makeCertificate({ subject: 'CN=stranger' });
    const r = check(actor({}, stranger));
    refused(r, 'ERR_TOKEN_KEY_UNKNOWN', 10001);
    assert.equal(r.refreshPartner, 'microsoft.exchange');
  });
  test('tampered payload: 1001', () => {
    const [h, , s] = actor().split('.');
    refused(
      check(`${h}.${b64(actorClaims({ exp: String(secs(NOW) + 999999) }))}.${s}`),
      'ERR_TOKEN_INVALID_SIGNATURE',
      1001,
    );
  });
  test('wrong audience id, host, realm, or a malformed audience', () => {
    refused(check(actor({ aud: `${EXCHANGE}/${HOST}@${REALM}` })), 'ERR_TOKEN_AUDIENCE_ID', 4003);
    refused(check(actor({ aud: `${LYNC}/other.contoso.com@${REALM}` })), 'ERR_TOKEN_AUDIENCE_HOST', 4002);
    refused(check(actor({ aud: `${LYNC}/${HOST}@fabrikam.com` })), 'ERR_TOKEN_AUDIENCE_REALM', 5002);
    refused(check(actor({ aud: `${LYNC}@${REALM}/${HOST}` })), 'ERR_TOKEN_AUDIENCE_MALFORMED', 4001);
    refused(check(actor({ aud: `${LYNC}/${HOST}@` })), 'ERR_TOKEN_AUDIENCE_MALFORMED', 4001);
  });
  test('expired and not yet valid, actor and outer', () => {
    refused(
      check(actor({ nbf: String(secs(NOW) - 9000), exp: String(secs(NOW) - 301) })),
      'ERR_TOKEN_EXPIRED',
      3001,
    );
    refused(check(actor({ nbf: String(secs(NOW) + 301) })), 'ERR_TOKEN_NOT_YET_VALID', 3101);
    refused(check(actor({ exp: String(secs(NOW) - 60) })), 'ERR_TOKEN_LIFETIME_INVALID', 3102);
    refused(
      check(outer(actor(), { nbf: String(secs(NOW) - 9000), exp: String(secs(NOW) - 400) })),
      'ERR_TOKEN_EXPIRED',
      3001,
    );
  });
  test('outer iss different from the actor nameid: 2015 (id) and 2016 (realm)', () => {
    refused(
      check(outer(actor(), { iss: `${PRINCIPAL_IDS.sharepoint}@${REALM}` })),
      'ERR_TOKEN_OUTER_ISSUER_MISMATCH',
      2015,
    );
    refused(
      check(outer(actor(), { iss: `${EXCHANGE}@fabrikam.com` })),
      'ERR_TOKEN_OUTER_REALM_MISMATCH',
      2016,
    );
  });
  test('actor iss/nameid binding: 2003, 2005, 2006, 2007, 7002, 2017, 2008', () => {
    refused(check(actor({ iss: undefined })), 'ERR_TOKEN_ISSUER_MISSING', 2003);
    refused(check(actor({ iss: 'nobody' })), 'ERR_TOKEN_ISSUER_INVALID', 2006);
    refused(check(actor({ iss: `${PRINCIPAL_IDS.sharepoint}@${REALM}` })), 'ERR_TOKEN_ISSUER_UNKNOWN', 2008);
    refused(check(actor({ iss: `${EXCHANGE}@fabrikam.com` })), 'ERR_TOKEN_ISSUER_UNKNOWN', 2008);
    refused(check(actor({ nameid: undefined })), 'ERR_TOKEN_NAMEID_MISSING', 2005);
    refused(check(actor({ nameid: 'x/y@z' })), 'ERR_TOKEN_NAMEID_INVALID', 2007);
    refused(
      check(actor({ nameid: `${PRINCIPAL_IDS.sharepoint}@${REALM}` })),
      'ERR_TOKEN_NAMEID_APP_MISMATCH',
      7002,
    );
    refused(check(actor({ nameid: `${EXCHANGE}@fabrikam.com` })), 'ERR_TOKEN_NAMEID_REALM_MISMATCH', 2017);
  });
  test('disabled partner: 2008', () => {
    refused(check(actor(), context({ partner: { enabled: false } })), 'ERR_TOKEN_PARTNER_DISABLED', 2008);
  });
  test('trust levels: Application refuses act-as, User refuses app-only', () => {
    const level = (trustLevel: TrustLevel) => context({ partner: { trustLevel } });
    refused(check(outer(actor()), level('Application')), 'ERR_TOKEN_TRUST_LEVEL', 7101);
    assert.ok(check(actor(), level('Application')).outcome.ok);
    refused(check(actor(), level('User')), 'ERR_TOKEN_TRUST_LEVEL', 7101);
    assert.ok(check(outer(actor()), level('User')).outcome.ok);
  });
  test('actor carrying user claims: 2106', () => {
    for (const c of ['scp', 'upn', 'unique_name', 'altsecid'])
      refused(check(actor({ [c]: 'x' })), 'ERR_TOKEN_ACTOR_USER_CLAIMS', 2106);
  });
  test('outer token without a user: 2107; missing aud: 2004', () => {
    refused(check(outer(actor(), { nameid: undefined })), 'ERR_TOKEN_USER_CLAIMS_MISSING', 2107);
    refused(check(actor({ aud: undefined })), 'ERR_TOKEN_CLAIM_MISSING', 2004);
    refused(check(actor({ exp: undefined })), 'ERR_TOKEN_CLAIM_MISSING', 2004);
  });
});

describe('strict parsing before cryptography', () => {
  const raw = (h: string, p: string, cert: TestCertificate = exchange) => {
    const input = `${Buffer.from(h).toString('base64url')}.${Buffer.from(p).toString('base64url')}`;
    return `${input}.${signRs256(input, cert.privateKey).toString('base64url')}`;
  };
  test('duplicate JSON members in header or payload: 2101', () => {
    const payload = JSON.stringify(actorClaims());
    refused(
      check(raw(`{"typ":"JWT","alg":"RS256","alg":"RS256","x5t":"${exchange.x5t}"}`, payload)),
      'ERR_TOKEN_MALFORMED',
      2101,
    );
    refused(
      check(
        raw(
          JSON.stringify(rsHeader()),
          payload.replace('{', `{"iss":"${PRINCIPAL_IDS.sharepoint}@${REALM}",`),
        ),
      ),
      'ERR_TOKEN_MALFORMED',
      2101,
    );
  });
  test('__proto__ claim: 2101', () => {
    refused(
      check(
        raw(JSON.stringify(rsHeader()), JSON.stringify(actorClaims()).replace('{', '{"__proto__":{"x":1},')),
      ),
      'ERR_TOKEN_MALFORMED',
      2101,
    );
  });
  test('non-canonical base64url: padding, +/, trailing bits, whitespace, segment count: 2101', () => {
    const good = actor();
    const [h, p, s] = good.split('.') as [string, string, string];
    const variants = [
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s}==`,
      `${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}`,
      `${h}.${p} .${s}`,
      `${h}.${p}`,
      `${h}.${p}.${s}.`,
      `${h}..${p}.${s}`,
    ];
    // a segment whose last character carries non-zero unused bits decodes to the same bytes
    const last = p.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    if (p.length % 4 !== 0)
      variants.push(`${h}.${p.slice(0, -1)}${alphabet[alphabet.indexOf(last) + 1]}.${s}`);
    if (s.length % 4 !== 0)
      variants.push(`${h}.${p}.${s.slice(0, -1)}${alphabet[alphabet.indexOf(s.at(-1)!) + 1]}`);
    assert.ok(variants.length >= 8);
    for (const v of variants) refused(check(v), 'ERR_TOKEN_MALFORMED', 2101);
  });
  test('jku, x5u, jwk, x5c and crit headers: 2103, never fetched', () => {
    for (const member of ['jku', 'x5u', 'jwk', 'x5c', 'crit']) {
      refused(
        check(
          forge(
            rsHeader(exchange, { [member]: member === 'crit' ? ['exp'] : 'https://attacker.example/k' }),
            actorClaims(),
          ),
        ),
        'ERR_TOKEN_HEADER_REFUSED',
        2103,
      );
    }
  });
  test('typ other than JWT or at+jwt, kid ≠ x5t, malformed x5t: 2104; unknown header members are ignored', () => {
    refused(
      check(forge(rsHeader(exchange, { typ: 'secevent+jwt' }), actorClaims())),
      'ERR_TOKEN_HEADER_INVALID',
      2104,
    );
    refused(
      check(forge(rsHeader(exchange, { kid: ours.x5t }), actorClaims())),
      'ERR_TOKEN_HEADER_INVALID',
      2104,
    );
    refused(
      check(forge(rsHeader(exchange, { x5t: 'abc' }), actorClaims())),
      'ERR_TOKEN_HEADER_INVALID',
      2104,
    );
    assert.ok(
      check(
        forge(rsHeader(exchange, { typ: 'jwt', kid: exchange.x5t, 'x5t#S256': 'ignored' }), actorClaims()),
      ).outcome.ok,
    );
    assert.ok(
      check(forge({ alg: 'RS256' }, actorClaims())).outcome.ok,
      'no x5t: every key of the issuer is tried',
    );
  });
  test('time claims: only decimal integers, as strings or JSON integers, within 0 < t < 10^11', () => {
    const n = secs(NOW) + 3600;
    for (const bad of [`${n}.0`, `${n}e0`, `+${n}`, ` ${n}`, `0${n}`, '-1', '0', '100000000000', true, [n]]) {
      refused(check(actor({ exp: bad })), 'ERR_TOKEN_CLAIM_INVALID', 2105);
    }
    const payload = JSON.stringify(actorClaims()).replace(`"exp":"${n}"`, `"exp":${n}.0`);
    refused(check(raw(JSON.stringify(rsHeader()), payload)), 'ERR_TOKEN_CLAIM_INVALID', 2105);
    refused(
      check(raw(JSON.stringify(rsHeader()), payload.replace(`${n}.0`, `${n / 100}e2`))),
      'ERR_TOKEN_CLAIM_INVALID',
      2105,
    );
  });
  test('size limits: whole token and single claims: 2102', () => {
    refused(check(actor({ pad: 'x'.repeat(20000) })), 'ERR_TOKEN_TOO_LARGE', 2102);
    refused(check(actor({ iss: `${'a'.repeat(2000)}@${REALM}` })), 'ERR_TOKEN_TOO_LARGE', 2102);
  });
});

describe('challenge and diagnostics on the wire', () => {
  test('an empty Bearer (realm discovery) or no header gets the bare challenge without diagnostics', () => {
    for (const h of ['Bearer', 'Bearer ', undefined, 'Negotiate abc']) {
      const r = validateAuthorization(h, URL_, context());
      assert.equal(r.outcome.ok, false);
      if (r.outcome.ok) continue;
      assert.equal(r.outcome.refusal.code, 'ERR_TOKEN_MISSING');
      assert.equal(
        r.outcome.refusal.wwwAuthenticate,
        `Bearer realm="${REALM}", client_id="${LYNC}", trusted_issuers="${LYNC}@${REALM},${EXCHANGE}@${REALM}"`,
      );
      assert.equal(r.outcome.refusal.msDiagnostics, null);
    }
  });
  test('a refused token gets error="invalid_token" and x-ms-diagnostics with the category code', () => {
    const token = actor({ aud: `${LYNC}/${HOST}@fabrikam.com` });
    const r = check(token);
    assert.equal(r.outcome.ok, false);
    if (r.outcome.ok) return;
    const { refusal } = r.outcome;
    assert.ok(refusal.wwwAuthenticate.endsWith(', error="invalid_token"'));
    assert.deepEqual(refusal.diagnostic, { code: 5002, category: 'invalid_tenant', categoryCode: 2000004 });
    assert.match(refusal.msDiagnostics!, /^2000004;reason="[^"]+";error_category="invalid_tenant"$/);
    for (const part of token.split('.'))
      assert.ok(!JSON.stringify(r).includes(part), 'no token material in the report');
  });
  test('signature failures map to 2000000 invalid_signature', () => {
    const r = check(forge(rsHeader(exchange), actorClaims(), ours));
    assert.ok(
      !r.outcome.ok &&
        r.outcome.refusal.msDiagnostics!.startsWith('2000000;') &&
        r.outcome.refusal.msDiagnostics!.endsWith('error_category="invalid_signature"'),
    );
  });
});

describe('explain', () => {
  test('lists each named step with its verdict, stopping at the refusal', () => {
    const ok = explainToken(outer(actor()), URL_, context());
    assert.deepEqual(
      ok.steps.map((s) => s.name),
      [
        'authorization',
        'parse',
        'header',
        'claims',
        'classify',
        'actor-parse',
        'actor-header',
        'actor-claims',
        'audience',
        'issuer',
        'key',
        'signature',
        'lifetime',
        'nameid',
        'actor-is-app',
        'outer-audience',
        'outer-issuer',
        'outer-lifetime',
        'user',
        'trust-level',
      ],
    );
    assert.ok(ok.steps.every((s) => s.verdict === 'pass'));
    const bad = explainToken(actor({ aud: `${LYNC}/evil.example@${REALM}` }), URL_, context());
    const last = bad.steps.at(-1)!;
    assert.deepEqual([last.name, last.verdict, last.code], ['audience', 'fail', 'ERR_TOKEN_AUDIENCE_HOST']);
  });
});

describe('thread-pool mode (validateAuthorizationAsync)', () => {
  test('gives the same outcome, steps and refresh request as the in-line mode', async () => {
    const cases: [string, TrustContext][] = [
      [actor(), context()],
      [outer(actor()), context()],
      [actor({}, ours), context()],
      [forge({ typ: 'JWT', alg: 'RS256' }, actorClaims()), context()], // no x5t: every key tried
      [actor().slice(0, -4) + 'AAAA', context()], // bad signature
      [actor({ exp: String(secs(NOW) - 3600), nbf: String(secs(NOW) - 7200) }), context()],
      [forge(rsHeader(exchange, { x5t: oursPrevious.x5t }), actorClaims()), context()], // unknown x5t
      [actor({ aud: `${LYNC}/evil.example@${REALM}` }), context()],
      [actor(), context({ partner: { enabled: false } })],
      [outer(actor()), context({ partner: { trustLevel: 'Application' } })],
      ['not.a.token', context()],
    ];
    for (const [token, ctx] of cases) {
      for (const explain of [false, true]) {
        const inline = validateAuthorization(`Bearer ${token}`, URL_, ctx, { explain });
        const pooled = await validateAuthorizationAsync(`Bearer ${token}`, URL_, ctx, { explain });
        assert.deepEqual(pooled, inline);
      }
    }
  });
});
