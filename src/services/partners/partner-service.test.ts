import { test, describe, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.ts';
import { partnerError } from '../../core/partners/partner-errors.ts';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import { MemoryDocumentStore } from '../../store/memory/memory-document-store.ts';
import { OAuthService } from '../oauth/oauth-service.ts';
import { silentLogger } from '../service-deps.ts';
import type { ServiceDeps, Services } from '../index.ts';
import { bindServicePorts } from '../index.ts';
import type { DocumentFetcher } from './document-fetcher.ts';
import { PartnerService } from './partner-service.ts';

const EXCHANGE = '00000002-0000-0ff1-ce00-000000000000';
const URL_EX = 'https://mail.fabrikam.com/autodiscover/metadata/json/1';

/** A fake web: URL → document text or failure; counts fetches. */
class FakeWeb implements DocumentFetcher {
  readonly pages = new Map<string, () => string>();
  fetches = 0;
  gate: Promise<void> | null = null;
  async fetch(url: string) {
    this.fetches++;
    if (this.gate) await this.gate;
    const page = this.pages.get(url);
    if (!page)
      throw partnerError('ERR_METADATA_UNREACHABLE', `${new URL(url).host} could not be reached for ${url}`, {
        url,
      });
    return { url, text: page() };
  }
}

function exchangeDoc(realm: string, ...certs: TestCertificate[]): string {
  return JSON.stringify({
    id: '_x',
    version: '1.0',
    name: 'Exchange',
    realm,
    serviceName: EXCHANGE,
    issuer: `${EXCHANGE}@${realm}`,
    keys: certs.map((c) => ({
      usage: 'signing',
      keyinfo: { x5t: c.x5t },
      keyvalue: { type: 'x509Certificate', value: c.der.toString('base64') },
    })),
  });
}

describe('partner service', () => {
  let a: TestCertificate;
  let b: TestCertificate;
  let web: FakeWeb;
  let clock: ManualClock;
  let partners: PartnerService;
  let store: MemoryDocumentStore;

  before(async () => {
    a = await makeCertificate({ subject: 'CN=exchange-a' });
    b = await makeCertificate({ subject: 'CN=exchange-b' });
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
    partners = new PartnerService(deps, { fetcher: web });
    services.partners = partners;
    await services.oauth.initialize({ realm: 'contoso.com' });
    web.pages.set(URL_EX, () => exchangeDoc('fabrikam.com', a));
  });

  test('new by metadata URL fetches the document and stores identity and keys', async () => {
    const { partner: view } = await partners.create({
      identity: 'Microsoft.Exchange',
      trustLevel: 'full',
      metadataUrl: URL_EX,
    });
    const p = view.partner;
    assert.equal(p.identity, 'microsoft.exchange');
    assert.equal(p.applicationIdentifier, EXCHANGE);
    assert.equal(p.realm, 'fabrikam.com');
    assert.equal(p.issuer, `${EXCHANGE}@fabrikam.com`);
    assert.equal(p.trustLevel, 'Full');
    assert.equal(p.enabled, true);
    assert.equal(p.source, 'metadata');
    assert.deepEqual(p.keys, [{ thumbprint: a.thumbprint, certificate: a.der.toString('base64') }]);
    assert.equal(p.refresh.lastSuccessAt, '2026-03-01T00:00:00.000Z');
    assert.equal(view.status.nextRefreshAt, '2026-03-01T12:00:00.000Z');
    const stored = await store.get('partner', 'microsoft.exchange');
    assert.ok(stored);
  });

  test('new refuses a URL that cannot be fetched or parsed, and writes nothing', async () => {
    await assert.rejects(
      partners.create({ identity: 'x', metadataUrl: 'https://nowhere.test/metadata/json/1' }),
      { code: 'ERR_METADATA_UNREACHABLE' },
    );
    web.pages.set('https://bad.test/metadata/json/1', () => '<html>not json</html>');
    await assert.rejects(
      partners.create({ identity: 'x', metadataUrl: 'https://bad.test/metadata/json/1' }),
      { code: 'ERR_METADATA_INVALID' },
    );
    assert.equal((await partners.list()).length, 0);
  });

  test('new with a static certificate (PEM or DER); bad files and mixed sources are refused', async () => {
    const { partner } = await partners.create({
      identity: 'lab',
      trustLevel: 'Application',
      applicationIdentifier: EXCHANGE,
      realm: 'Lab.Test',
      certificate: Buffer.from(a.pem),
    });
    assert.equal(partner.partner.source, 'certificate');
    assert.equal(partner.partner.realm, 'lab.test');
    assert.equal(partner.partner.keys[0]!.thumbprint, a.thumbprint);
    assert.equal(partner.status.nextRefreshAt, null);
    await partners.create({
      identity: 'lab2',
      applicationIdentifier: EXCHANGE,
      realm: 'lab2.test',
      certificate: b.der,
    });
    await assert.rejects(
      partners.create({
        identity: 'lab3',
        applicationIdentifier: EXCHANGE,
        realm: 'l3',
        certificate: Buffer.from('nope'),
      }),
      { code: 'ERR_PARTNER_CERTIFICATE_INVALID' },
    );
    await assert.rejects(
      partners.create({
        identity: 'lab4',
        applicationIdentifier: EXCHANGE,
        realm: 'l4',
        certificate: a.der,
        metadataUrl: URL_EX,
      }),
      { code: 'ERR_PARTNER_SOURCE_INVALID' },
    );
    await assert.rejects(partners.create({ identity: 'lab5', applicationIdentifier: EXCHANGE }), {
      code: 'ERR_PARTNER_SOURCE_INVALID',
    });
    await assert.rejects(partners.create({ identity: 'bad name', metadataUrl: URL_EX }), {
      code: 'ERR_PARTNER_IDENTITY_INVALID',
    });
    await assert.rejects(partners.create({ identity: 'x', trustLevel: 'Admin', metadataUrl: URL_EX }), {
      code: 'ERR_PARTNER_TRUST_LEVEL_INVALID',
    });
  });

  test('refuses a duplicate identity, a second entry for one issuer, and our own issuer', async () => {
    await partners.create({ identity: 'microsoft.exchange', metadataUrl: URL_EX });
    await assert.rejects(partners.create({ identity: 'MICROSOFT.EXCHANGE', metadataUrl: URL_EX }), {
      code: 'ERR_PARTNER_EXISTS',
    });
    await assert.rejects(partners.create({ identity: 'exchange2', metadataUrl: URL_EX }), {
      code: 'ERR_PARTNER_ISSUER_IN_USE',
    });
    await assert.rejects(
      partners.create({
        identity: 'me',
        applicationIdentifier: '00000004-0000-0ff1-ce00-000000000000',
        realm: 'contoso.com',
        certificate: a.der,
      }),
      { code: 'ERR_PARTNER_IS_SELF' },
    );
  });

  test('a refresh picks up a rolled key set', async () => {
    await partners.create({ identity: 'microsoft.exchange', metadataUrl: URL_EX });
    web.pages.set(URL_EX, () => exchangeDoc('fabrikam.com', b, a));
    const res = await partners.refresh('microsoft.exchange');
    assert.equal(res.outcome, 'updated');
    assert.deepEqual(
      (await partners.get('microsoft.exchange')).partner.keys.map((k) => k.thumbprint),
      [b.thumbprint, a.thumbprint],
    );
    assert.equal((await partners.refresh('microsoft.exchange')).outcome, 'unchanged');
  });

  test('a refresh that changes the realm is refused and the old keys are kept', async () => {
    await partners.create({ identity: 'microsoft.exchange', metadataUrl: URL_EX });
    web.pages.set(URL_EX, () => exchangeDoc('evil.example', b));
    await assert.rejects(partners.refresh('microsoft.exchange'), { code: 'ERR_METADATA_IDENTITY_CHANGED' });
    const { partner } = await partners.get('microsoft.exchange');
    assert.equal(partner.realm, 'fabrikam.com');
    assert.deepEqual(
      partner.keys.map((k) => k.thumbprint),
      [a.thumbprint],
    );
    assert.equal(partner.refresh.lastError?.code, 'ERR_METADATA_IDENTITY_CHANGED');
  });

  test('an unreachable partner keeps its last good keys; get shows the error and its age', async () => {
    await partners.create({ identity: 'microsoft.exchange', metadataUrl: URL_EX });
    web.pages.delete(URL_EX);
    clock.advance(60_000);
    await assert.rejects(partners.refresh('microsoft.exchange'), { code: 'ERR_METADATA_UNREACHABLE' });
    clock.advance(90_000);
    const view = await partners.get('microsoft.exchange');
    assert.deepEqual(
      view.partner.keys.map((k) => k.thumbprint),
      [a.thumbprint],
    );
    assert.equal(view.partner.refresh.lastError?.code, 'ERR_METADATA_UNREACHABLE');
    assert.equal(view.status.lastErrorAgeSeconds, 90);
    assert.equal(view.status.lastSuccessAgeSeconds, 150);
    web.pages.set(URL_EX, () => exchangeDoc('fabrikam.com', a));
    await partners.refresh('microsoft.exchange');
    assert.equal((await partners.get('microsoft.exchange')).partner.refresh.lastError, null);
  });

  test('the periodic pass refreshes only what is due (12 h by default, 15 min after a failure)', async () => {
    await partners.create({ identity: 'microsoft.exchange', metadataUrl: URL_EX });
    const before = web.fetches;
    assert.equal((await partners.refreshDue()).length, 0);
    clock.advance(12 * 3600_000);
    web.pages.delete(URL_EX);
    assert.deepEqual(
      (await partners.refreshDue()).map((r) => r.outcome),
      ['failed'],
    );
    clock.advance(10 * 60_000);
    assert.equal((await partners.refreshDue()).length, 0);
    clock.advance(5 * 60_000);
    assert.equal((await partners.refreshDue()).length, 1);
    assert.equal(web.fetches, before + 2);
  });

  test('on-demand refreshes are coalesced and rate-limited per partner', async () => {
    await partners.create({ identity: 'microsoft.exchange', metadataUrl: URL_EX });
    const start = web.fetches;
    let open!: () => void;
    web.gate = new Promise((r) => (open = r));
    assert.equal(partners.requestRefresh('microsoft.exchange', 'unknown-x5t'), 'started');
    assert.equal(partners.requestRefresh('microsoft.exchange', 'unknown-x5t'), 'coalesced');
    const manual = partners.refresh('microsoft.exchange');
    open();
    web.gate = null;
    await manual;
    assert.equal(web.fetches, start + 1);
    clock.advance(10_000);
    assert.equal(partners.requestRefresh('microsoft.exchange', 'signature-failure'), 'rate-limited');
    clock.advance(30_000);
    assert.equal(partners.requestRefresh('microsoft.exchange', 'signature-failure'), 'started');
    assert.equal(partners.requestRefresh('nobody', 'unknown-x5t'), 'started');
    await partners.settle();
  });

  test('set changes settings; a new metadata URL must keep the identity; remove deletes', async () => {
    await partners.create({ identity: 'microsoft.exchange', metadataUrl: URL_EX });
    const { partner } = await partners.update('microsoft.exchange', {
      trustLevel: 'User',
      enabled: false,
      acceptSecurityIdentifierInformation: true,
      storageUrl: 'https://mail.fabrikam.com/storage/',
    });
    assert.equal(partner.partner.trustLevel, 'User');
    assert.equal(partner.partner.enabled, false);
    assert.equal(partner.partner.acceptSecurityIdentifierInformation, true);
    assert.equal(partner.partner.storageUrl, 'https://mail.fabrikam.com/storage');
    web.pages.set('https://other.test/metadata/json/1', () => exchangeDoc('other.test', b));
    await assert.rejects(
      partners.update('microsoft.exchange', { metadataUrl: 'https://other.test/metadata/json/1' }),
      { code: 'ERR_METADATA_IDENTITY_CHANGED' },
    );
    await assert.rejects(partners.update('microsoft.exchange', { storageUrl: 'ftp://x' }), {
      code: 'ERR_INVALID_INPUT',
    });
    await partners.remove('microsoft.exchange');
    await assert.rejects(partners.get('microsoft.exchange'), { code: 'ERR_PARTNER_NOT_FOUND' });
  });
});
