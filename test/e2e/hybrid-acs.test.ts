/**
 * docs/hybrid.md with an ACS-shaped server (test/fixtures/acs-server.ts: the real ACS metadata shape, the
 * legacy JWT-bearer grant, tokens with `iss 00000001-…@<tenant>` and `identityprovider`) on real HTTPS
 * on 127.0.0.1: two s2s deployments register it with `oauth-server new --realm <tenant>` and each other
 * through it, and the storage connectivity test passes in both directions. Actor tokens are cached per
 * resource and shared by concurrent callers; a client unknown at the server fails with its AADSTS reason.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRINCIPAL_IDS } from '../../src/core/index.ts';
import { EXIT_CODES } from '../../src/adapters/cli/index.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { ACS_ID, startAcsServer } from '../fixtures/acs-server.ts';
import type { AcsServer } from '../fixtures/acs-server.ts';
import { loopbackCertificate } from '../hostile/loopback-certificate.ts';
import { startTestDeployment, trustRootsOf } from './storage-deployment.ts';
import type { TestDeployment } from './storage-deployment.ts';

const REALM = 'litwareinc.com';
const TENANT = '52aa6841-b76b-4ed4-a3d7-a259fce1dfa2';
const KEN = 'sip:kenmyer@litwareinc.com';
const PAT = 'sip:patfuller@litwareinc.com';

describe('hybrid through an ACS-shaped server, both directions', { timeout: 180_000 }, () => {
  let skype: TestDeployment;
  let exchange: TestDeployment;
  let acs: AcsServer;
  let dir: string;

  async function cli(d: TestDeployment, argv: string[]) {
    const r = await d.cli([...argv, '--json']);
    assert.ok(r.out.length > 0, r.err);
    return { ...r, json: JSON.parse(r.out) as Record<string, unknown> };
  }

  async function ok(d: TestDeployment, argv: string[]) {
    const r = await cli(d, argv);
    assert.equal(r.code, 0, r.out + r.err);
    return r;
  }

  async function registerAt(d: TestDeployment, clientId: string) {
    const material = await d.deployment.services.certificates.signingMaterial('OAuthTokenIssuer');
    acs.register(clientId, material.current!.certificateDer.toString('base64'));
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-hybrid-acs-'));
    // (the name 'CN=Test Root' is the one test/hostile/loopback-certificate.ts builds chains with)
    const ca = await makeCertificate({ subject: 'CN=Test Root', ca: true });
    const tls = await loopbackCertificate(ca);
    const signing = await makeCertificate({ subject: 'CN=accounts.accesscontrol.test', freshKey: true });
    acs = await startAcsServer({ tenant: TENANT, tls, signing });
    [skype, exchange] = await Promise.all([
      startTestDeployment('skype', { realm: REALM, serviceName: PRINCIPAL_IDS.lync }),
      startTestDeployment('exchange', { realm: REALM, serviceName: PRINCIPAL_IDS.exchange }),
    ]);
    await trustRootsOf(skype, exchange);
    await trustRootsOf(exchange, skype);
    writeFileSync(join(dir, 'acs-root.pem'), ca.pem);
    for (const d of [skype, exchange]) {
      await ok(d, ['trusted-root', 'add', '--path', join(dir, 'acs-root.pem')]);
      // The tenant-less ACS document names no tenant: --realm is required.
      const noRealm = await cli(d, [
        'oauth-server',
        'new',
        '--identity',
        'microsoft.sts',
        '--metadata-url',
        acs.metadataUrl,
      ]);
      assert.equal((noRealm.json['error'] as { code: string }).code, 'ERR_OAUTH_SERVER_REALM_REQUIRED');
      await ok(d, [
        'oauth-server',
        'new',
        '--identity',
        'microsoft.sts',
        '--metadata-url',
        acs.metadataUrl,
        '--realm',
        TENANT,
      ]);
    }
    await registerAt(skype, PRINCIPAL_IDS.lync);
    await registerAt(exchange, PRINCIPAL_IDS.exchange);
    await ok(skype, [
      'partner',
      'new',
      '--identity',
      'microsoft.exchange',
      '--application-identifier',
      PRINCIPAL_IDS.exchange,
      '--use-oauth-server',
      'microsoft.sts',
      '--storage-url',
      `${exchange.server.url}/storage/v1`,
    ]);
    await ok(exchange, [
      'partner',
      'new',
      '--identity',
      'microsoft.lync',
      '--application-identifier',
      PRINCIPAL_IDS.lync,
      '--use-oauth-server',
      'microsoft.sts',
      '--storage-url',
      `${skype.server.url}/storage/v1`,
    ]);
    await ok(exchange, [
      'user',
      'add',
      '--sip',
      KEN,
      '--smtp',
      'kenmyer@litwareinc.com',
      '--upn',
      'kenmyer@litwareinc.com',
    ]);
    await ok(skype, [
      'user',
      'add',
      '--sip',
      PAT,
      '--smtp',
      'patfuller@litwareinc.com',
      '--upn',
      'patfuller@litwareinc.com',
    ]);
  });

  after(async () => {
    await Promise.all([skype?.close(), exchange?.close(), acs?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the ACS document registers: ACS issuer at the tenant, its OAuth2 issuance endpoint, its key', async () => {
    const r = await ok(exchange, ['oauth-server', 'get', '--identity', 'microsoft.sts']);
    const [s] = r.json['oauthServers'] as Array<Record<string, unknown>>;
    assert.equal(s?.['type'], 'acs');
    assert.equal(s?.['issuer'], ACS_ID);
    assert.equal(s?.['realm'], TENANT);
    assert.equal(s?.['tokenEndpoint'], `${acs.url}/${TENANT}/tokens/OAuth/2`);
    assert.deepEqual(s?.['partners'], ['microsoft.lync']);
    const oauth = await exchange.cli(['oauth', 'get']);
    assert.match(oauth.out, /OAuthServers\s*:\s*microsoft\.sts \(acs, tenant [0-9a-f-]+\): microsoft\.lync/);
  });

  test('skype → exchange: storage connectivity passes with the ACS actor token', async () => {
    const r = await cli(skype, [
      'test',
      'storage-connectivity',
      '--partner',
      'microsoft.exchange',
      '--sip-uri',
      KEN,
      '--delete-item',
    ]);
    assert.equal(r.code, EXIT_CODES.ok, r.out);
    const actor = (r.json['steps'] as Array<{ name: string; status: string; detail: string }>).find(
      (s) => s.name === 'actor',
    );
    assert.equal(actor?.status, 'passed');
    assert.match(
      actor?.detail ?? '',
      new RegExp(`microsoft\\.sts \\(acs\\) for ${PRINCIPAL_IDS.exchange}/127\\.0\\.0\\.1:\\d+@${TENANT}`),
    );
  });

  test('exchange → skype: the other direction passes too', async () => {
    const r = await cli(exchange, [
      'test',
      'storage-connectivity',
      '--partner',
      'microsoft.lync',
      '--sip-uri',
      PAT,
      '--delete-item',
    ]);
    assert.equal(r.code, EXIT_CODES.ok, r.out);
  });

  test('the actor token is cached per resource, and concurrent callers share one request', async () => {
    const host = new URL(exchange.server.url).host;
    const before = acs.requests.count;
    const first = await skype.deployment.services.tokens.issue({ partner: 'microsoft.exchange', host });
    const again = await skype.deployment.services.tokens.issue({ partner: 'microsoft.exchange', host });
    assert.equal(again.actorToken, first.actorToken);
    assert.equal(acs.requests.count - before, 0, 'the connectivity test left a fresh token in the cache');
    // Another resource (host) needs its own token: five concurrent callers make one request.
    const other = 'localhost:' + new URL(exchange.server.url).port;
    const five = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        skype.deployment.services.tokens.issue({ partner: 'microsoft.exchange', host: other }),
      ),
    );
    assert.equal(acs.requests.count - before, 1);
    assert.equal(new Set(five.map((t) => t.actorToken)).size, 1);
    const claims = JSON.parse(Buffer.from(first.actorToken.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      string
    >;
    assert.equal(claims['iss'], `${ACS_ID}@${TENANT}`);
    assert.equal(claims['identityprovider'], `${ACS_ID}@${TENANT}`);
    assert.equal(claims['nameid'], `${PRINCIPAL_IDS.lync}@${TENANT}`);
  });

  test('token test explains an ACS-issued token step by step', async () => {
    const host = new URL(exchange.server.url).host;
    const issued = await skype.deployment.services.tokens.issue({
      partner: 'microsoft.exchange',
      host,
      user: { sip: KEN, smtp: 'kenmyer@litwareinc.com', upn: 'kenmyer@litwareinc.com' },
    });
    const outer = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      string
    >;
    assert.equal(outer['nii'], 'urn:federation:MicrosoftOnline', 'named as Exchange hybrid names users');
    assert.equal(outer['iss'], `${PRINCIPAL_IDS.lync}@${TENANT}`, 'the outer iss is the actor nameid');
    writeFileSync(join(dir, 'token.txt'), issued.token);
    const r = await exchange.cli([
      'token',
      'test',
      '--token-file',
      join(dir, 'token.txt'),
      '--url',
      `${exchange.server.url}/storage/v1`,
    ]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /OAuth server microsoft\.sts \(acs/);
    assert.match(r.out, /issued by OAuth server microsoft\.sts to application/);
  });

  test('a client the server does not know fails with the AADSTS reason and a fix', async () => {
    acs.unregister(PRINCIPAL_IDS.lync);
    try {
      const r = await cli(skype, [
        'test',
        'storage-connectivity',
        '--partner',
        'microsoft.exchange',
        '--sip-uri',
        KEN,
      ]);
      assert.equal(r.code, EXIT_CODES.refused, r.out);
      const error = r.json['error'] as { code: string; message: string; fix: string };
      assert.equal(error.code, 'ERR_OAUTH_SERVER_REFUSED');
      assert.match(error.message, /HTTP 400: unauthorized_client: AADSTS700016: Application with identifier/);
      assert.ok(error.fix.length > 0);
    } finally {
      await registerAt(skype, PRINCIPAL_IDS.lync);
    }
  });
});
