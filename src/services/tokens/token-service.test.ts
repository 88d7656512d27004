import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import { ManualClock, PRINCIPAL_IDS } from '../../core/index.ts';
import { buildActorToken } from '../../core/tokens/index.ts';
import type { PartnerApplication, SigningMaterial, SigningMaterialEntry } from '../../core/index.ts';
import { MemoryDocumentStore } from '../../store/memory/memory-document-store.ts';
import { OAuthService } from '../oauth/oauth-service.ts';
import { silentLogger } from '../service-deps.ts';
import type { ServiceDeps, Services } from '../index.ts';
import { bindServicePorts } from '../index.ts';
import { TokenService } from './token-service.ts';

const HOUR = 3600_000;
const clock = new ManualClock('2026-06-01T12:00:00Z');

function entry(c: TestCertificate): SigningMaterialEntry {
  return {
    thumbprint: c.thumbprint,
    x5t: c.x5t,
    certificateDer: c.der,
    chainDer: [],
    privateKey: c.privateKey,
    publicKey: c.publicKey,
    notBefore: new Date(0),
    notAfter: new Date('2030-01-01'),
  };
}

/** One deployment: its own store, OAuth configuration and OAuthTokenIssuer material (a fake certificate service). */
async function deployment(
  serviceName: string,
  realm: string,
  host: string,
  store: MemoryDocumentStore = new MemoryDocumentStore({ clock }),
) {
  const services = {} as { -readonly [K in keyof Services]: Services[K] };
  const refreshes: string[] = [];
  let material: SigningMaterial = { current: null, previous: null, staged: null };
  const deps: ServiceDeps = {
    store,
    clock,
    secretBox: () => {
      throw new Error('unused');
    },
    logger: silentLogger,
    nodeName: host,
    home: '/nonexistent',
    ports: bindServicePorts(services),
  };
  services.oauth = new OAuthService(deps);
  services.certificates = { signingMaterial: async () => material } as unknown as Services['certificates'];
  services.partners = {
    requestRefresh: (identity: string) => {
      refreshes.push(identity);
      return 'requested';
    },
  } as unknown as Services['partners'];
  services.tokens = new TokenService(deps);
  await services.oauth.initialize({ realm, serviceName, hostNames: [host] });
  return {
    store,
    tokens: services.tokens,
    refreshes,
    setMaterial(m: SigningMaterial) {
      material = m;
    },
    async trust(
      identity: string,
      peer: { serviceName: string; realm: string; certs: TestCertificate[] },
      over: Partial<PartnerApplication> = {},
    ) {
      const existing = await store.get('partner', identity);
      const body: PartnerApplication = {
        identity,
        applicationIdentifier: peer.serviceName,
        realm: peer.realm,
        issuer: `${peer.serviceName}@${peer.realm}`,
        trustLevel: 'Full',
        enabled: true,
        acceptSecurityIdentifierInformation: false,
        source: 'certificate',
        metadataUrl: null,
        allowInsecureHttp: false,
        keys: peer.certs.map((c) => ({
          thumbprint: createHash('sha1').update(c.der).digest('hex').toUpperCase(),
          certificate: c.der.toString('base64'),
        })),
        refresh: { lastSuccessAt: null, lastAttemptAt: null, lastError: null },
        storageUrl: null,
        ...over,
      };
      await store.write([
        { op: 'put', kind: 'partner', key: identity, body, expect: existing ? existing.version : 'absent' },
      ]);
    },
  };
}

let lyncCert: TestCertificate;
let lyncNext: TestCertificate;
let exchangeCert: TestCertificate;
before(async () => {
  lyncCert = await makeCertificate({ subject: 'CN=pool.contoso.com', freshKey: true });
  lyncNext = await makeCertificate({ subject: 'CN=pool.contoso.com next', freshKey: true });
  exchangeCert = await makeCertificate({ subject: 'CN=mail.contoso.com', freshKey: true });
});

async function pair(exchangeStore?: MemoryDocumentStore) {
  const lync = await deployment(PRINCIPAL_IDS.lync, 'contoso.com', 'pool.contoso.com');
  const exchange = await deployment(PRINCIPAL_IDS.exchange, 'contoso.com', 'mail.contoso.com', exchangeStore);
  lync.setMaterial({ current: entry(lyncCert), previous: null, staged: null });
  exchange.setMaterial({ current: entry(exchangeCert), previous: null, staged: null });
  await lync.trust('microsoft.exchange', {
    serviceName: PRINCIPAL_IDS.exchange,
    realm: 'contoso.com',
    certs: [exchangeCert],
  });
  await exchange.trust('lync', {
    serviceName: PRINCIPAL_IDS.lync,
    realm: 'contoso.com',
    certs: [lyncCert, lyncNext],
  });
  return { lync, exchange };
}
const EXCHANGE_URL = 'https://mail.contoso.com/EWS/Exchange.asmx';

describe('TokenService', () => {
  test('issues app-only and act-as tokens the partner deployment accepts', async () => {
    const { lync, exchange } = await pair();
    const app = await lync.tokens.issue({ partner: 'Microsoft.Exchange', host: 'Mail.Contoso.com' });
    assert.equal(app.audience, `${PRINCIPAL_IDS.exchange}/mail.contoso.com@contoso.com`);
    assert.equal(app.expiresAt.getTime(), clock.now().getTime() + 24 * HOUR);
    const ok = await exchange.tokens.validate({
      authorization: `Bearer ${app.token}`,
      requestUrl: EXCHANGE_URL,
    });
    assert.ok(ok.ok && ok.principal.partnerIdentity === 'lync' && ok.principal.mode === 'app');

    const asUser = await lync.tokens.issue({
      partner: 'microsoft.exchange',
      host: 'mail.contoso.com',
      user: { sip: 'sip:Alice@contoso.com' },
    });
    assert.equal(asUser.expiresAt.getTime(), clock.now().getTime() + 8 * HOUR);
    const user = await exchange.tokens.validate({
      authorization: `Bearer ${asUser.token}`,
      requestUrl: EXCHANGE_URL,
    });
    assert.ok(user.ok);
    assert.deepEqual(
      { ...user.principal.user },
      {
        nameid: 'alice@contoso.com',
        nii: null,
        smtp: 'alice@contoso.com',
        sip: 'alice@contoso.com',
        upn: 'alice@contoso.com',
      },
    );
  });

  test('caches per (audience, user) and renews when a quarter of the lifetime is left or after a roll', async () => {
    const { lync } = await pair();
    const first = await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' });
    clock.advance(HOUR);
    assert.equal(
      (await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' })).token,
      first.token,
    );
    assert.notEqual(
      (await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'autodiscover.contoso.com' })).token,
      first.token,
    );
    clock.advance(17 * HOUR); // 18 h of 24 gone: renew
    const renewed = await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' });
    assert.notEqual(renewed.token, first.token);
    lync.setMaterial({ current: entry(lyncNext), previous: entry(lyncCert), staged: null });
    // A roll is a store change (the certificate service keys its material on the store version too).
    await lync.store.write([{ op: 'put', kind: 'counter', key: 'roll', body: 1, expect: 'any' }]);
    const rolled = await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' });
    assert.equal(rolled.x5t, lyncNext.x5t);
  });

  test('the issued-token cache keeps the newest 1000 audiences: the oldest quarter is evicted at once', async () => {
    const { lync } = await pair();
    const issue = (i: number) =>
      lync.tokens.issue({ partner: 'microsoft.exchange', host: `h${i}.contoso.com` }).then((t) => t.token);
    const first: string[] = [];
    for (let i = 0; i <= 1000; i++) first.push(await issue(i)); // 1001 audiences: over the bound once
    clock.advance(1000); // a new second: a token issued again differs from the cached one
    assert.notEqual(await issue(0), first[0], 'among the oldest quarter: evicted, issued anew');
    assert.notEqual(await issue(249), first[249]);
    assert.equal(await issue(251), first[251], 'the rest are still served from the cache');
    assert.equal(await issue(1000), first[1000]);
  });

  test('tokens signed with the previous certificate still validate after a roll', async () => {
    const { lync, exchange } = await pair();
    const old = await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' });
    lync.setMaterial({ current: entry(lyncNext), previous: entry(lyncCert), staged: null });
    await lync.store.write([{ op: 'put', kind: 'counter', key: 'roll', body: 1, expect: 'any' }]); // the roll is a store change
    const fresh = await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' });
    for (const t of [old, fresh])
      assert.ok(
        (await exchange.tokens.validate({ authorization: `Bearer ${t.token}`, requestUrl: EXCHANGE_URL })).ok,
      );
  });

  test('an unknown x5t is refused and asks the partner service for a refresh', async () => {
    const { lync, exchange } = await pair();
    lync.setMaterial({
      current: entry(await makeCertificate({ subject: 'CN=rogue' })),
      previous: null,
      staged: null,
    });
    const t = await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' });
    const r = await exchange.tokens.validate({
      authorization: `Bearer ${t.token}`,
      requestUrl: EXCHANGE_URL,
    });
    assert.ok(!r.ok && r.refusal.diagnostic.code === 10001);
    assert.deepEqual(exchange.refreshes, ['lync']);
  });

  test('a cached acceptance does not survive disabling the partner or the token expiry', async () => {
    const { lync, exchange } = await pair();
    const t = await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' });
    const auth = { authorization: `Bearer ${t.token}`, requestUrl: EXCHANGE_URL };
    assert.ok((await exchange.tokens.validate(auth)).ok);
    assert.ok((await exchange.tokens.validate(auth)).ok);
    await exchange.trust(
      'lync',
      { serviceName: PRINCIPAL_IDS.lync, realm: 'contoso.com', certs: [lyncCert] },
      { enabled: false },
    );
    const r = await exchange.tokens.validate(auth);
    assert.ok(!r.ok && r.refusal.code === 'ERR_TOKEN_PARTNER_DISABLED');
    await exchange.trust('lync', {
      serviceName: PRINCIPAL_IDS.lync,
      realm: 'contoso.com',
      certs: [lyncCert],
    });
    assert.ok((await exchange.tokens.validate(auth)).ok);
    clock.advance(24 * HOUR + 301_000);
    const expired = await exchange.tokens.validate(auth);
    assert.ok(!expired.ok && expired.refusal.code === 'ERR_TOKEN_EXPIRED');
  });

  test('refuses to issue for an unknown or disabled partner, a bad host, or without a signing certificate', async () => {
    const { lync } = await pair();
    await assert.rejects(lync.tokens.issue({ partner: 'nobody', host: 'mail.contoso.com' }), {
      code: 'ERR_TOKEN_PARTNER_NOT_FOUND',
    });
    await assert.rejects(lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail contoso' }), {
      code: 'ERR_TOKEN_ISSUE_INPUT',
    });
    await assert.rejects(
      lync.tokens.issue({
        partner: 'microsoft.exchange',
        host: 'mail.contoso.com',
        user: { sip: 'not-an-address' },
      }),
      { code: 'ERR_TOKEN_ISSUE_INPUT' },
    );
    lync.setMaterial({ current: null, previous: null, staged: null });
    await assert.rejects(lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' }), {
      code: 'ERR_TOKEN_NO_SIGNING_CERTIFICATE',
    });
    await lync.trust(
      'microsoft.exchange',
      { serviceName: PRINCIPAL_IDS.exchange, realm: 'contoso.com', certs: [exchangeCert] },
      { enabled: false },
    );
    await assert.rejects(lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' }), {
      code: 'ERR_TOKEN_TARGET_DISABLED',
    });
  });

  test('explain lists the steps and the SID form of an act-as user', async () => {
    const { lync, exchange } = await pair();
    const t = await lync.tokens.issue({
      partner: 'microsoft.exchange',
      host: 'mail.contoso.com',
      user: { sip: 'bob@contoso.com', sid: 'S-1-5-21-1-2-3-1104' },
    });
    const report = await exchange.tokens.explain(t.token, EXCHANGE_URL);
    assert.ok(report.outcome.ok);
    assert.equal(report.outcome.principal.user?.nameid, 's-1-5-21-1-2-3-1104');
    assert.equal(report.outcome.principal.user?.nii, 'urn:office:idp:activedirectory');
    assert.equal(report.steps.at(-1)?.name, 'trust-level');
  });
});

/** A store that tells its head synchronously (the proposed `knownHeadVersion`), counting head reads. */
class KnownHeadStore extends MemoryDocumentStore {
  reads = 0;
  #known = 0;
  override async write(...args: Parameters<MemoryDocumentStore['write']>) {
    const result = await super.write(...args);
    this.#known = Math.max(this.#known, result.version);
    return result;
  }
  override async headVersion(): Promise<number> {
    this.reads++;
    return super.headVersion();
  }
  knownHeadVersion(): number {
    return this.#known;
  }
}

describe('TokenService fast paths', () => {
  test('validateAsync (verify on the thread pool) accepts and refuses like validate', async () => {
    const { lync, exchange } = await pair();
    const t = await lync.tokens.issue({
      partner: 'microsoft.exchange',
      host: 'mail.contoso.com',
      user: { sip: 'bob@contoso.com' },
    });
    const input = { authorization: `Bearer ${t.token}`, requestUrl: EXCHANGE_URL };
    const pooled = await exchange.tokens.validateAsync(input);
    assert.deepEqual(pooled, await exchange.tokens.validate(input));
    assert.ok(pooled.ok && pooled.principal.user?.nameid === 'bob@contoso.com');
    const bad = { authorization: `Bearer ${t.actorToken.slice(0, -6)}AAAAAA`, requestUrl: EXCHANGE_URL };
    const refused = await exchange.tokens.validateAsync(bad);
    assert.ok(!refused.ok && refused.refusal.code === 'ERR_TOKEN_INVALID_SIGNATURE');
    assert.deepEqual(refused, await exchange.tokens.validate(bad));
  });

  test('with a synchronously known head, validation reads no head and a commit takes effect at once', async () => {
    const store = new KnownHeadStore({ clock });
    const { lync, exchange } = await pair(store);
    const token = async (sip: string) =>
      `Bearer ${(await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com', user: { sip } })).token}`;
    assert.ok(
      (
        await exchange.tokens.validate({
          authorization: await token('a@contoso.com'),
          requestUrl: EXCHANGE_URL,
        })
      ).ok,
    );
    const reads = store.reads;
    const cached = await token('b@contoso.com');
    for (let i = 0; i < 5; i++) {
      const sip = `u${i}@contoso.com`;
      assert.ok(
        (await exchange.tokens.validate({ authorization: await token(sip), requestUrl: EXCHANGE_URL })).ok,
      );
    }
    assert.ok((await exchange.tokens.validate({ authorization: cached, requestUrl: EXCHANGE_URL })).ok);
    assert.equal(store.reads, reads, 'no headVersion() read while the known head is unchanged');
    // Disable the partner: the very next validation (cached token included) is refused.
    await exchange.trust(
      'lync',
      { serviceName: PRINCIPAL_IDS.lync, realm: 'contoso.com', certs: [lyncCert] },
      { enabled: false },
    );
    const after = await exchange.tokens.validate({ authorization: cached, requestUrl: EXCHANGE_URL });
    assert.ok(!after.ok && after.refusal.code === 'ERR_TOKEN_PARTNER_DISABLED');
  });

  test('without a synchronous head, a commit by another store instance takes effect at once', async () => {
    const store = new MemoryDocumentStore({ clock });
    const { lync, exchange } = await pair(store);
    const t = await lync.tokens.issue({ partner: 'microsoft.exchange', host: 'mail.contoso.com' });
    const input = { authorization: `Bearer ${t.token}`, requestUrl: EXCHANGE_URL };
    assert.ok((await exchange.tokens.validate(input)).ok);
    const other = store.connect({ clock }); // another "process" on the same store
    const doc = await other.get<PartnerApplication>('partner', 'lync');
    await other.write([
      {
        op: 'put',
        kind: 'partner',
        key: 'lync',
        body: { ...doc!.body, enabled: false },
        expect: doc!.version,
      },
    ]);
    const after = await exchange.tokens.validate(input);
    assert.ok(!after.ok && after.refusal.code === 'ERR_TOKEN_PARTNER_DISABLED');
  });

  test('cold issuance reads the store once per version, and a disabled partner is refused at once', async () => {
    const store = new KnownHeadStore({ clock });
    const { exchange } = await pair(store);
    await exchange.trust('lync', {
      serviceName: PRINCIPAL_IDS.lync,
      realm: 'contoso.com',
      certs: [lyncCert],
    });
    exchange.setMaterial({ current: entry(exchangeCert), previous: null, staged: null });
    const first = await exchange.tokens.issue({ partner: 'lync', host: 'h0.contoso.com' });
    const reads = store.reads;
    for (let i = 1; i < 5; i++)
      assert.notEqual(
        (await exchange.tokens.issue({ partner: 'lync', host: `h${i}.contoso.com` })).token,
        first.token,
      );
    assert.equal(store.reads, reads);
    await exchange.trust(
      'lync',
      { serviceName: PRINCIPAL_IDS.lync, realm: 'contoso.com', certs: [lyncCert] },
      { enabled: false },
    );
    await assert.rejects(exchange.tokens.issue({ partner: 'lync', host: 'h9.contoso.com' }), {
      code: 'ERR_TOKEN_TARGET_DISABLED',
    });
  });
});

describe('a SharePoint farm realm (docs/hybrid.md "Realms")', () => {
  const FARM = '52aa6841-b76b-4ed4-a3d7-a259fce1dfa2';
  const SP = PRINCIPAL_IDS.sharepoint;
  const LYNC_URL = 'https://pool.contoso.com/storage/v1/users';
  const SP_URL = 'https://sp.contoso.com/_api/web';

  async function farmPair() {
    const lync = await deployment(PRINCIPAL_IDS.lync, 'contoso.com', 'pool.contoso.com');
    const sp = await deployment(SP, FARM, 'sp.contoso.com');
    lync.setMaterial({ current: entry(lyncCert), previous: null, staged: null });
    sp.setMaterial({ current: entry(exchangeCert), previous: null, staged: null });
    await lync.trust('microsoft.sharepoint', { serviceName: SP, realm: FARM, certs: [exchangeCert] });
    await sp.trust('lync', { serviceName: PRINCIPAL_IDS.lync, realm: 'contoso.com', certs: [lyncCert] });
    return { lync, sp };
  }

  test('tokens we send carry the farm realm in aud and our realm in iss; the farm accepts them', async () => {
    const { lync, sp } = await farmPair();
    const issued = await lync.tokens.issue({
      partner: 'microsoft.sharepoint',
      host: 'sp.contoso.com',
      user: { sip: 'sip:alice@contoso.com', sid: 'S-1-5-21-1-2-3-1001' },
    });
    assert.equal(issued.audience, `${SP}/sp.contoso.com@${FARM}`);
    const outer = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      string
    >;
    assert.equal(outer['iss'], `${PRINCIPAL_IDS.lync}@contoso.com`);
    assert.equal(outer['nii'], 'urn:office:idp:activedirectory', 'a SID goes with nii activedirectory');
    const r = await sp.tokens.validate({ authorization: `Bearer ${issued.token}`, requestUrl: SP_URL });
    assert.ok(r.ok && r.principal.partnerIdentity === 'lync' && r.principal.mode === 'user');
  });

  test("the farm's tokens are accepted with our realm or the farm's in aud, and refused with any other", async () => {
    const { lync, sp } = await farmPair();
    const issued = await sp.tokens.issue({ partner: 'lync', host: 'pool.contoso.com' });
    assert.equal(issued.audience, `${PRINCIPAL_IDS.lync}/pool.contoso.com@contoso.com`);
    assert.ok(
      (await lync.tokens.validate({ authorization: `Bearer ${issued.token}`, requestUrl: LYNC_URL })).ok,
    );
    const now = clock.now();
    const forged = (realm: string) =>
      buildActorToken({
        audience: `${PRINCIPAL_IDS.lync}/pool.contoso.com@${realm}`,
        issuer: `${SP}@${FARM}`,
        notBefore: now,
        expiresAt: new Date(now.getTime() + HOUR),
        signer: { x5t: entry(exchangeCert).x5t, privateKey: exchangeCert.privateKey },
      });
    const trustBroker = await lync.tokens.validate({
      authorization: `Bearer ${forged(FARM)}`,
      requestUrl: LYNC_URL,
    });
    assert.ok(trustBroker.ok, 'the farm realm in aud, as a trust broker sends it');
    const other = await lync.tokens.validate({
      authorization: `Bearer ${forged('fabrikam.com')}`,
      requestUrl: LYNC_URL,
    });
    assert.equal(other.ok ? null : other.refusal.code, 'ERR_TOKEN_AUDIENCE_REALM');
  });
});
