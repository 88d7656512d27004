/**
 * Tokens issued by an OAuth server (docs/hybrid.md "Inbound"; docs/protocol.md §2.6 steps 2, 6, 7, §8):
 * accepted for the partners registered through the server with their trust level; an untrusted server,
 * a key its metadata does not list and another tenant are refused with their diagnostic codes.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import type { PartnerApplication, TrustLevel } from '../partners/partner-application.ts';
import { ACS_PRINCIPAL_ID } from '../partners/oauth-server.ts';
import type { OAuthServer } from '../partners/oauth-server.ts';
import { PRINCIPAL_IDS } from '../shared/principals.ts';
import { DEFAULT_TOKEN_LIMITS } from './token-limits.ts';
import { explainToken, validateAuthorization } from './token-validator.ts';
import type { ValidationReport } from './token-validator.ts';
import type { TrustContext, TrustedKey } from './trust-context.ts';
import { signRs256 } from './rs256.ts';

const LYNC = PRINCIPAL_IDS.lync;
const EXCHANGE = PRINCIPAL_IDS.exchange;
const REALM = 'contoso.com';
const TENANT = '52aa6841-b76b-4ed4-a3d7-a259fce1dfa2';
const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';
const HOST = 'pool.contoso.com';
const URL_ = `https://${HOST}/storage/v1/users`;
const NOW = new Date('2026-06-01T12:00:00Z');
const OIDC_ISSUER = 'https://idp.contoso.com';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const secs = (d: Date) => Math.floor(d.getTime() / 1000);

let acsKey: TestCertificate;
let oidcKey: TestCertificate;
let stranger: TestCertificate;

const keyOf = (c: TestCertificate): TrustedKey => ({
  thumbprint: c.thumbprint,
  x5t: c.x5t,
  publicKey: c.publicKey,
  role: 'oauth-server',
});

function server(over: Partial<OAuthServer>): OAuthServer {
  return {
    identity: 'microsoft.sts',
    type: 'acs',
    metadataUrl: 'https://accounts.accesscontrol.windows.net/metadata/json/1',
    realm: TENANT,
    issuer: ACS_PRINCIPAL_ID,
    tokenEndpoint: 'https://accounts.accesscontrol.windows.net/tokens/OAuth/2',
    allowInsecureHttp: false,
    metadataRedirects: 'same-origin',
    keys: [],
    refresh: { lastSuccessAt: null, lastAttemptAt: null, lastError: null },
    ...over,
  };
}

function throughServer(over: Partial<PartnerApplication>): PartnerApplication {
  return {
    identity: 'exchange.online',
    applicationIdentifier: EXCHANGE,
    realm: TENANT,
    issuer: null,
    trustLevel: 'Full',
    enabled: true,
    acceptSecurityIdentifierInformation: false,
    source: 'oauth-server',
    useOAuthServer: 'microsoft.sts',
    metadataUrl: null,
    allowInsecureHttp: false,
    keys: [],
    refresh: { lastSuccessAt: null, lastAttemptAt: null, lastError: null },
    storageUrl: null,
    ...over,
  };
}

function context(over: { trustLevel?: TrustLevel; enabled?: boolean; servers?: boolean } = {}): TrustContext {
  return {
    serviceName: LYNC,
    realm: REALM,
    hostNames: [HOST],
    clockSkewSeconds: 300,
    now: NOW,
    ownKeys: [],
    partners: [
      {
        application: throughServer({ trustLevel: over.trustLevel ?? 'Full', enabled: over.enabled ?? true }),
        keys: [],
      },
      {
        application: throughServer({
          identity: 'fabrikam.app',
          applicationIdentifier: 'fabrikam-app',
          realm: REALM,
          useOAuthServer: 'contoso.idp',
        }),
        keys: [],
      },
    ],
    oauthServers:
      over.servers === false
        ? []
        : [
            { server: server({}), keys: [keyOf(acsKey)] },
            {
              server: server({ identity: 'contoso.idp', type: 'oauth2', realm: '*', issuer: OIDC_ISSUER }),
              keys: [keyOf(oidcKey)],
            },
          ],
    limits: DEFAULT_TOKEN_LIMITS,
  };
}

/** An ACS-issued actor token (docs/protocol.md §8 step 4). */
function acsActor(over: Record<string, unknown> = {}, cert: TestCertificate = acsKey): string {
  const payload = {
    aud: `${LYNC}/${HOST}@${TENANT}`,
    iss: `${ACS_PRINCIPAL_ID}@${TENANT}`,
    nbf: secs(NOW) - 60,
    exp: secs(NOW) + 86400 - 120,
    nameid: `${EXCHANGE}@${TENANT}`,
    identityprovider: `${ACS_PRINCIPAL_ID}@${TENANT}`,
    trustedfordelegation: 'true',
    oid: 'b5b1e3d2-0000-4000-8000-000000000001',
    iat: secs(NOW) - 60,
    ...over,
  };
  const input = `${b64({ typ: 'JWT', alg: 'RS256', x5t: cert.x5t, kid: cert.x5t })}.${b64(payload)}`;
  return `${input}.${signRs256(input, cert.privateKey).toString('base64url')}`;
}

/** The unsigned outer token around it (docs/protocol.md §8 step 5). */
function outer(actor: string, over: Record<string, unknown> = {}): string {
  const payload = {
    aud: `${LYNC}/${HOST}@${TENANT}`,
    iss: `${EXCHANGE}@${TENANT}`,
    nbf: String(secs(NOW) - 60),
    exp: String(secs(NOW) + 3600),
    nameid: '10032001e2cbe43b',
    nii: 'urn:federation:MicrosoftOnline',
    smtp: 'kenmyer@contoso.com',
    upn: 'kenmyer@contoso.com',
    actortoken: actor,
    ...over,
  };
  return `${b64({ typ: 'JWT', alg: 'none' })}.${b64(payload)}.`;
}

/** An RFC 9068 access token from an oauth2 server (oidc-provider's shape: at+jwt, iat, no nbf, client_id). */
function oidcActor(over: Record<string, unknown> = {}, kid: string = oidcKey.x5t): string {
  const payload = {
    jti: 'x1',
    sub: 'fabrikam-app',
    iat: secs(NOW) - 10,
    exp: secs(NOW) + 600,
    client_id: 'fabrikam-app',
    iss: OIDC_ISSUER,
    aud: `https://${HOST}`,
    ...over,
  };
  const input = `${b64({ typ: 'at+jwt', alg: 'RS256', kid })}.${b64(payload)}`;
  return `${input}.${signRs256(input, oidcKey.privateKey).toString('base64url')}`;
}

function refused(report: ValidationReport, code: string, detail: number): void {
  assert.equal(report.outcome.ok, false, `expected ${code}`);
  if (report.outcome.ok) return;
  assert.equal(report.outcome.refusal.code, code);
  assert.equal(report.outcome.refusal.diagnostic.code, detail);
}

describe('tokens issued by an OAuth server', () => {
  before(async () => {
    [acsKey, oidcKey, stranger] = await Promise.all([
      makeCertificate({ subject: 'CN=accounts.accesscontrol.windows.net' }),
      makeCertificate({ subject: 'CN=idp.contoso.com' }),
      makeCertificate({ subject: 'CN=stranger' }),
    ]);
  });

  test('an ACS actor token (app-only and act-as) is accepted for the partner registered through ACS', () => {
    const app = validateAuthorization(`Bearer ${acsActor()}`, URL_, context());
    assert.ok(app.outcome.ok, JSON.stringify(app.steps.at(-1)));
    if (!app.outcome.ok) return;
    assert.equal(app.outcome.principal.partnerIdentity, 'exchange.online');
    assert.equal(app.outcome.principal.realm, TENANT);
    const user = validateAuthorization(`Bearer ${outer(acsActor())}`, URL_, context());
    assert.ok(user.outcome.ok, JSON.stringify(user.steps.at(-1)));
    if (!user.outcome.ok) return;
    assert.equal(user.outcome.principal.mode, 'user');
    assert.equal(user.outcome.principal.user?.nii, 'urn:federation:MicrosoftOnline');
  });

  test("the partner's trust level applies: Application refuses act-as, User refuses app-only", () => {
    refused(
      validateAuthorization(`Bearer ${outer(acsActor())}`, URL_, context({ trustLevel: 'Application' })),
      'ERR_TOKEN_TRUST_LEVEL',
      7101,
    );
    assert.ok(
      validateAuthorization(`Bearer ${acsActor()}`, URL_, context({ trustLevel: 'Application' })).outcome.ok,
    );
    refused(
      validateAuthorization(`Bearer ${acsActor()}`, URL_, context({ trustLevel: 'User' })),
      'ERR_TOKEN_TRUST_LEVEL',
      7101,
    );
    refused(
      validateAuthorization(`Bearer ${acsActor()}`, URL_, context({ enabled: false })),
      'ERR_TOKEN_PARTNER_DISABLED',
      2008,
    );
  });

  test('a token from an OAuth server we do not trust is refused (2008)', () => {
    refused(
      validateAuthorization(`Bearer ${acsActor()}`, URL_, context({ servers: false })),
      'ERR_TOKEN_ISSUER_UNKNOWN',
      2008,
    );
    refused(
      validateAuthorization(`Bearer ${oidcActor({ iss: 'https://evil.example' })}`, URL_, context()),
      'ERR_TOKEN_ISSUER_UNKNOWN',
      2008,
    );
  });

  test("a key the server's metadata does not list is refused and a refresh of that server is requested", () => {
    const report = validateAuthorization(`Bearer ${acsActor({}, stranger)}`, URL_, context());
    refused(report, 'ERR_TOKEN_KEY_UNKNOWN', 10001);
    assert.equal(report.refreshPartner, 'oauth-server:microsoft.sts');
    assert.equal(report.refreshX5t, stranger.x5t);
    // The OIDC server's key does not sign for ACS either: keys come only from the server `iss` names (§2.7).
    const input = `${b64({ typ: 'JWT', alg: 'RS256', x5t: oidcKey.x5t })}.${b64(JSON.parse(Buffer.from(acsActor().split('.')[1]!, 'base64url').toString()))}`;
    const crossed = `${input}.${signRs256(input, oidcKey.privateKey).toString('base64url')}`;
    refused(validateAuthorization(`Bearer ${crossed}`, URL_, context()), 'ERR_TOKEN_KEY_UNKNOWN', 10001);
  });

  test('a token naming another tenant is refused (2011): in its issuer, or in its audience', () => {
    refused(
      validateAuthorization(
        `Bearer ${acsActor({ iss: `${ACS_PRINCIPAL_ID}@${OTHER_TENANT}`, nameid: `${EXCHANGE}@${OTHER_TENANT}` })}`,
        URL_,
        context(),
      ),
      'ERR_TOKEN_OAUTH_SERVER_TENANT',
      2011,
    );
    refused(
      validateAuthorization(`Bearer ${acsActor({ aud: `${LYNC}/${HOST}@${REALM}` })}`, URL_, context()),
      'ERR_TOKEN_OAUTH_SERVER_TENANT',
      2011,
    );
    refused(
      validateAuthorization(
        `Bearer ${acsActor({ aud: `${LYNC}/${HOST}@${OTHER_TENANT}` })}`,
        URL_,
        context(),
      ),
      'ERR_TOKEN_AUDIENCE_REALM',
      5002,
    );
    refused(
      validateAuthorization(`Bearer ${acsActor({ nameid: `${EXCHANGE}@${OTHER_TENANT}` })}`, URL_, context()),
      'ERR_TOKEN_NAMEID_REALM_MISMATCH',
      2017,
    );
  });

  test('an application not registered through the server is refused (7001)', () => {
    refused(
      validateAuthorization(
        `Bearer ${acsActor({ nameid: `00000003-0000-0ff1-ce00-000000000000@${TENANT}` })}`,
        URL_,
        context(),
      ),
      'ERR_TOKEN_NO_PARTNER_FOR_APP',
      7001,
    );
    refused(
      validateAuthorization(
        `Bearer ${oidcActor({ client_id: 'someone-else', sub: 'someone-else' })}`,
        URL_,
        context(),
      ),
      'ERR_TOKEN_NO_PARTNER_FOR_APP',
      7001,
    );
  });

  test('an RFC 9068 token of an oauth2 server (URL issuer, at+jwt, client_id, no nbf) is accepted, and explained', () => {
    const r = explainToken(oidcActor(), URL_, context());
    assert.ok(r.outcome.ok, JSON.stringify(r.steps.at(-1)));
    if (!r.outcome.ok) return;
    assert.equal(r.outcome.principal.partnerIdentity, 'fabrikam.app');
    const issuer = r.steps.find((s) => s.name === 'issuer');
    assert.match(issuer?.detail ?? '', /OAuth server contoso\.idp/);
    const nameid = r.steps.find((s) => s.name === 'nameid');
    assert.match(nameid?.detail ?? '', /partner fabrikam\.app/);
    // Another host in the URL audience is refused as any other audience host.
    refused(
      validateAuthorization(`Bearer ${oidcActor({ aud: 'https://elsewhere.contoso.com' })}`, URL_, context()),
      'ERR_TOKEN_AUDIENCE_HOST',
      4002,
    );
    // Expired is expired.
    refused(
      validateAuthorization(
        `Bearer ${oidcActor({ iat: secs(NOW) - 7200, exp: secs(NOW) - 3600 })}`,
        URL_,
        context(),
      ),
      'ERR_TOKEN_EXPIRED',
      3001,
    );
  });

  test('an opaque kid (not a thumbprint, as Keycloak names keys) tries the server keys; a malformed kid is refused', () => {
    const r = validateAuthorization(`Bearer ${oidcActor({}, 'Xk3-rsa-2026')}`, URL_, context());
    assert.ok(r.outcome.ok, JSON.stringify(r.steps.at(-1)));
    refused(
      validateAuthorization(`Bearer ${oidcActor({}, 'bad kid')}`, URL_, context()),
      'ERR_TOKEN_HEADER_INVALID',
      2104,
    );
  });

  test('a direct partner token may not use the URL audience form', () => {
    const acsWithUrl = acsActor({ aud: `https://${HOST}` });
    refused(
      validateAuthorization(`Bearer ${acsWithUrl}`, URL_, context()),
      'ERR_TOKEN_AUDIENCE_MALFORMED',
      4001,
    );
  });
});
