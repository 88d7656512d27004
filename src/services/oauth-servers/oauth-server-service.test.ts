import { test, describe, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { ACS_PRINCIPAL_ID, ManualClock } from '../../core/index.ts';
import { partnerError } from '../../core/partners/partner-errors.ts';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import { MemoryDocumentStore } from '../../store/memory/memory-document-store.ts';
import { OAuthService } from '../oauth/oauth-service.ts';
import { silentLogger } from '../service-deps.ts';
import type { ServiceDeps, Services } from '../index.ts';
import { bindServicePorts } from '../index.ts';
import type { DocumentFetcher } from '../partners/document-fetcher.ts';
import { PartnerService } from '../partners/partner-service.ts';
import { OAuthServerService } from './oauth-server-service.ts';

const TENANT = '52aa6841-b76b-4ed4-a3d7-a259fce1dfa2';
const ACS_URL = 'https://accounts.accesscontrol.windows.net/metadata/json/1';
const OIDC_URL = 'https://idp.fabrikam.com/.well-known/openid-configuration';

class FakeWeb implements DocumentFetcher {
  readonly pages = new Map<string, () => string>();
  async fetch(url: string) {
    const page = this.pages.get(url);
    if (!page)
      throw partnerError('ERR_METADATA_UNREACHABLE', `${new URL(url).host} could not be reached`, { url });
    return { url, text: page() };
  }
}

/** The real ACS document's shape: keys[] with keyValue, three endpoints, no issuer (docs/hybrid.md). */
function acsDoc(...certs: TestCertificate[]): string {
  return JSON.stringify({
    version: '1.0',
    keys: certs.map((c) => ({
      usage: 'signing',
      keyInfo: { x5t: c.x5t },
      keyValue: { type: 'x509Certificate', value: c.der.toString('base64') },
    })),
    endpoints: [
      {
        location: 'https://accounts.accesscontrol.windows.net/tokens/OAuth/2',
        protocol: 'OAuth2',
        usage: 'issuance',
      },
      {
        location: 'https://accounts.accesscontrol.windows.net/v2/wsfederation',
        protocol: 'DelegationIssuance1.0',
        usage: 'issuance',
      },
      {
        location: 'https://accounts.accesscontrol.windows.net/management',
        protocol: 'DelegationManagement1.0',
        usage: 'management',
      },
    ],
  });
}

describe('OAuth server service', () => {
  let a: TestCertificate;
  let b: TestCertificate;
  let web: FakeWeb;
  let clock: ManualClock;
  let servers: OAuthServerService;
  let partners: PartnerService;
  let store: MemoryDocumentStore;

  before(async () => {
    a = await makeCertificate({ subject: 'CN=acs-a' });
    b = await makeCertificate({ subject: 'CN=acs-b' });
  });

  beforeEach(async () => {
    clock = new ManualClock('2026-03-01T00:00:00Z');
    store = new MemoryDocumentStore({ clock });
    web = new FakeWeb();
    const services = {} as { -readonly [K in keyof Services]: Services[K] };
    const deps: ServiceDeps = {
      store,
      clock,
      secretBox: () => assert.fail('no secrets here'),
      logger: silentLogger,
      nodeName: 'fe1.contoso.com',
      home: '/nonexistent',
      ports: bindServicePorts(services),
    };
    services.oauth = new OAuthService(deps);
    servers = new OAuthServerService(deps, web);
    partners = new PartnerService(deps, { fetcher: web });
    services.oauthServers = servers;
    services.partners = partners;
    await services.oauth.initialize({ realm: 'contoso.com' });
    web.pages.set(ACS_URL, () => acsDoc(a));
    web.pages.set(OIDC_URL, () =>
      JSON.stringify({
        issuer: 'https://idp.fabrikam.com',
        token_endpoint: 'https://idp.fabrikam.com/token',
        jwks_uri: 'https://idp.fabrikam.com/jwks',
      }),
    );
    web.pages.set('https://idp.fabrikam.com/jwks', () =>
      JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: b.x5t, x5c: [b.der.toString('base64')] }] }),
    );
  });

  test('the real ACS metadata shape registers with --realm: issuer, tenant, token endpoint and keys', async () => {
    await assert.rejects(servers.create({ identity: 'microsoft.sts', metadataUrl: ACS_URL }), {
      code: 'ERR_OAUTH_SERVER_REALM_REQUIRED',
    });
    assert.equal(await store.get('oauth-server', 'microsoft.sts'), undefined, 'nothing half-written');
    const { server: view } = await servers.create({
      identity: 'Microsoft.STS',
      metadataUrl: ACS_URL,
      realm: TENANT.toUpperCase(),
    });
    const s = view.server;
    assert.equal(s.identity, 'microsoft.sts');
    assert.equal(s.type, 'acs');
    assert.equal(s.issuer, ACS_PRINCIPAL_ID);
    assert.equal(s.realm, TENANT);
    assert.equal(s.tokenEndpoint, 'https://accounts.accesscontrol.windows.net/tokens/OAuth/2');
    assert.deepEqual(s.keys, [{ thumbprint: a.thumbprint, certificate: a.der.toString('base64') }]);
    assert.equal(view.status.nextRefreshAt, '2026-03-01T12:00:00.000Z');
    await assert.rejects(servers.create({ identity: 'microsoft.sts', metadataUrl: ACS_URL, realm: TENANT }), {
      code: 'ERR_OAUTH_SERVER_EXISTS',
    });
  });

  test('an OpenID Connect discovery document + JWKS registers as type oauth2', async () => {
    const { server: view } = await servers.create({ identity: 'fabrikam.idp', metadataUrl: OIDC_URL });
    assert.equal(view.server.type, 'oauth2');
    assert.equal(view.server.issuer, 'https://idp.fabrikam.com');
    assert.equal(view.server.realm, '*');
    assert.equal(view.server.tokenEndpoint, 'https://idp.fabrikam.com/token');
    assert.deepEqual(
      view.server.keys.map((k) => k.thumbprint),
      [b.thumbprint],
    );
    await assert.rejects(servers.create({ identity: 'x', metadataUrl: OIDC_URL, type: 'adfs' }), {
      code: 'ERR_OAUTH_SERVER_TYPE_INVALID',
    });
  });

  test('a JWKS key without x5c is read as a bare RSA key (node-oidc-provider by default); a weak one is refused', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const strong = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    web.pages.set('https://idp.fabrikam.com/jwks', () =>
      JSON.stringify({ keys: [{ ...strong, use: 'sig', alg: 'RS256', kid: 'k-2026' }] }),
    );
    const { server: view } = await servers.create({ identity: 'fabrikam.idp', metadataUrl: OIDC_URL });
    const [key] = view.server.keys;
    assert.equal(key?.kid, 'k-2026');
    assert.equal(key?.certificate, '');
    assert.match(key?.spki ?? '', /^MII/);
    assert.match(key?.thumbprint ?? '', /^[0-9A-F]{40}$/);
    web.pages.set('https://idp.fabrikam.com/jwks', () => JSON.stringify({ keys: [{ ...weak, kid: 'w' }] }));
    await assert.rejects(servers.create({ identity: 'weak.idp', metadataUrl: OIDC_URL }), {
      code: 'ERR_METADATA_WEAK_KEY',
    });
  });

  test('refresh keeps the last good keys when the server is unreachable, and takes new ones when it answers', async () => {
    await servers.create({ identity: 'microsoft.sts', metadataUrl: ACS_URL, realm: TENANT });
    web.pages.delete(ACS_URL);
    clock.advance(13 * 3600 * 1000);
    const [failed] = await servers.refreshDue();
    assert.equal(failed?.outcome, 'failed');
    let view = await servers.get('microsoft.sts');
    assert.deepEqual(
      view.server.keys.map((k) => k.thumbprint),
      [a.thumbprint],
      'last known good kept',
    );
    assert.equal(view.server.refresh.lastError?.code, 'ERR_METADATA_UNREACHABLE');
    web.pages.set(ACS_URL, () => acsDoc(a, b));
    const res = await servers.refresh('microsoft.sts');
    assert.equal(res.outcome, 'updated');
    view = await servers.get('microsoft.sts');
    assert.deepEqual(view.server.keys.map((k) => k.thumbprint).sort(), [a.thumbprint, b.thumbprint].sort());
    assert.equal(view.server.refresh.lastError, null);
  });

  test('partners through a server: listed by the server, and the server cannot be removed under them', async () => {
    await servers.create({ identity: 'microsoft.sts', metadataUrl: ACS_URL, realm: TENANT });
    await assert.rejects(
      partners.create({ identity: 'microsoft.exchange', applicationIdentifier: 'x', useOAuthServer: 'nope' }),
      { code: 'ERR_OAUTH_SERVER_NOT_FOUND' },
    );
    await assert.rejects(
      partners.create({
        identity: 'microsoft.exchange',
        metadataUrl: ACS_URL,
        useOAuthServer: 'microsoft.sts',
      }),
      { code: 'ERR_PARTNER_OAUTH_SERVER_NEEDS_ID' },
    );
    const { partner } = await partners.create({
      identity: 'microsoft.exchange',
      applicationIdentifier: '00000002-0000-0ff1-ce00-000000000000',
      useOAuthServer: 'microsoft.sts',
    });
    assert.equal(partner.partner.source, 'oauth-server');
    assert.equal(partner.partner.realm, TENANT, 'the partner lives in the server tenant');
    assert.deepEqual((await servers.get('microsoft.sts')).partners, ['microsoft.exchange']);
    await assert.rejects(servers.remove('microsoft.sts'), { code: 'ERR_OAUTH_SERVER_IN_USE' });
    await partners.remove('microsoft.exchange');
    await servers.remove('microsoft.sts');
    assert.deepEqual(await servers.list(), []);
  });
});
