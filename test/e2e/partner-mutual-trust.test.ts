/**
 * Two deployments trust each other by metadata URL (issue 3 "Done when"): each has its own SQLite store,
 * its own OAuthTokenIssuer certificate and its own HTTPS server on 127.0.0.1 serving createHttpApp; each
 * registers the other's /metadata/json/1, then accepts the other's app-only and act-as tokens.
 */
import 'reflect-metadata';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { Agent, request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { resolveNodeConfig } from '../../src/config/node-config.ts';
import { buildDeployment } from '../../src/main/deployment.ts';
import type { Deployment } from '../../src/main/deployment.ts';
import { openStore } from '../../src/main/open-store.ts';
import { PartnerService, silentLogger, bindServicePorts } from '../../src/services/index.ts';
import type { Services } from '../../src/services/index.ts';
import { MetadataFetcher } from '../../src/adapters/http-client/metadata-fetcher.ts';
import { createHttpApp } from '../../src/adapters/http/index.ts';

interface Node {
  readonly name: string;
  readonly dir: string;
  readonly deployment: Deployment;
  readonly app: FastifyInstance;
  readonly fetcher: MetadataFetcher;
  readonly authority: string;
}

/** A TLS certificate for 127.0.0.1 (IP SAN) issued by `ca`. */
async function loopbackTls(ca: TestCertificate): Promise<{ cert: string; key: string }> {
  const leaf = await makeCertificate({ subject: 'CN=127.0.0.1', issuer: ca, freshKey: true });
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0b' + randomBytes(6).toString('hex'),
    subject: 'CN=127.0.0.1',
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 86400_000),
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    publicKey: leaf.cryptoKeys.publicKey,
    signingKey: ca.cryptoKeys.privateKey,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  return { cert: cert.toString('pem'), key: leaf.keyPem };
}

async function startNode(name: string, ca: TestCertificate): Promise<Node> {
  const dir = mkdtempSync(join(tmpdir(), `s2s-e2e-${name}-`));
  const config = resolveNodeConfig(
    { home: dir, node: `${name}.test` },
    { S2S_MASTER_KEY: randomBytes(32).toString('base64') },
  );
  const store = await openStore(config.store);
  const deployment = buildDeployment(config, store, { logger: silentLogger });
  const services = deployment.services as { -readonly [K in keyof Services]: Services[K] };
  const fetcher = new MetadataFetcher();
  // The composition root does not wire a fetcher yet: give the partner service one over the same deps.
  services.partners = new PartnerService(
    {
      store: deployment.store, // sealed documents (docs/store.md "Integrity")
      clock: deployment.clock,
      secretBox: () => assert.fail('partners need no secrets'),
      logger: silentLogger,
      nodeName: config.nodeName,
      home: dir,
      ports: bindServicePorts(services),
    },
    { fetcher },
  );
  await services.oauth.initialize({ realm: `${name}.test` });
  await services.ca.trustedRoots.add(Buffer.from(ca.pem));
  const issuer = await makeCertificate({ subject: `CN=${name}.test OAuth`, freshKey: true });
  await services.certificates.import({
    file: Buffer.from(issuer.pem),
    keyFile: Buffer.from(issuer.keyPem),
    usages: ['OAuthTokenIssuer'],
  });
  const app = await createHttpApp({
    services: { metadata: services.metadata, tokens: services.tokens },
    https: await loopbackTls(ca),
    extraRoutes: [
      async (child) => {
        child.get('/whoami', { preHandler: child.requireS2sAuth }, async (req) => req.s2sPrincipal);
      },
    ],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const authority = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await services.oauth.update({ hostNames: [authority] });
  return { name, dir, deployment, app, fetcher, authority };
}

describe('two deployments trust each other by metadata URL', () => {
  let ca: TestCertificate;
  let a: Node;
  let b: Node;
  let client: Agent;

  before(async () => {
    ca = await makeCertificate({ subject: 'CN=E2E Root', ca: true });
    a = await startNode('alpha', ca);
    b = await startNode('bravo', ca);
    client = new Agent({ connect: { ca: ca.pem } });
  });
  after(async () => {
    for (const n of [a, b]) {
      if (!n) continue;
      await n.app.close();
      await n.fetcher.close();
      await n.deployment.close();
      rmSync(n.dir, { recursive: true, force: true });
    }
    await client?.close();
  });

  async function call(target: Node, token: string) {
    const res = await request(`https://${target.authority}/whoami`, {
      dispatcher: client,
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      body: (await res.body.json()) as Record<string, unknown>,
    };
  }

  test('each registers the other by metadata URL over HTTPS', async () => {
    const toB = await a.deployment.services.partners.create({
      identity: 'bravo',
      trustLevel: 'Full',
      metadataUrl: `https://${b.authority}/metadata/json/1`,
    });
    const toA = await b.deployment.services.partners.create({
      identity: 'alpha',
      trustLevel: 'Full',
      metadataUrl: `https://${a.authority}/metadata/json/1`,
    });
    assert.equal(toB.partner.partner.applicationIdentifier, '00000004-0000-0ff1-ce00-000000000000');
    assert.equal(toB.partner.partner.realm, 'bravo.test');
    assert.equal(toA.partner.partner.realm, 'alpha.test');
    assert.equal(toB.partner.partner.keys.length, 1);
  });

  test('app-only tokens are accepted both ways', async () => {
    const fromB = await b.deployment.services.tokens.issue({ partner: 'alpha', host: a.authority });
    const atA = await call(a, fromB.token);
    assert.equal(atA.status, 200, JSON.stringify(atA.body));
    assert.equal(atA.body.partnerIdentity, 'bravo');
    assert.equal(atA.body.mode, 'app');
    const fromA = await a.deployment.services.tokens.issue({ partner: 'bravo', host: b.authority });
    const atB = await call(b, fromA.token);
    assert.equal(atB.status, 200, JSON.stringify(atB.body));
    assert.equal(atB.body.partnerIdentity, 'alpha');
  });

  test('act-as tokens are accepted both ways', async () => {
    const fromB = await b.deployment.services.tokens.issue({
      partner: 'alpha',
      host: a.authority,
      user: { sip: 'sip:kenmyer@alpha.test' },
    });
    const atA = await call(a, fromB.token);
    assert.equal(atA.status, 200, JSON.stringify(atA.body));
    assert.equal(atA.body.mode, 'user');
    assert.equal((atA.body.user as { sip: string }).sip, 'kenmyer@alpha.test');
    const fromA = await a.deployment.services.tokens.issue({
      partner: 'bravo',
      host: b.authority,
      user: { sip: 'sip:davidl@bravo.test' },
    });
    assert.equal((await call(b, fromA.token)).status, 200);
  });

  test('a token meant for one deployment is refused by the other, with the challenge and diagnostics', async () => {
    const forA = await b.deployment.services.tokens.issue({ partner: 'alpha', host: a.authority });
    const res = await call(b, forA.token);
    assert.equal(res.status, 401);
    assert.match(String(res.headers['www-authenticate']), /^Bearer /);
    assert.ok(res.headers['x-ms-diagnostics']);
    assert.equal(res.body.error, 'invalid_token');
  });

  test('a staged roll certificate is published before its effective date and the partner learns it on refresh', async () => {
    const next = await makeCertificate({ subject: 'CN=alpha.test OAuth next', freshKey: true });
    await a.deployment.services.certificates.import({
      file: Buffer.from(next.pem),
      keyFile: Buffer.from(next.keyPem),
      usages: ['OAuthTokenIssuer'],
      roll: true,
      effectiveDate: new Date(Date.now() + 2 * 86400_000),
    });
    const res = await request(`https://${a.authority}/metadata/json/1`, { dispatcher: client });
    const doc = (await res.body.json()) as { keys: Array<{ keyinfo: { x5t: string } }> };
    assert.equal(doc.keys.length, 2);
    assert.equal(doc.keys[1]!.keyinfo.x5t, next.x5t);
    const refreshed = await b.deployment.services.partners.refresh('alpha');
    assert.equal(refreshed.outcome, 'updated');
    assert.ok(
      (await b.deployment.services.partners.get('alpha')).partner.keys.some(
        (k) => k.thumbprint === next.thumbprint,
      ),
    );
    // Still signed with the current certificate until the effective date: B keeps accepting A's tokens.
    const fromA = await a.deployment.services.tokens.issue({ partner: 'bravo', host: b.authority });
    assert.notEqual(fromA.x5t, next.x5t);
    assert.equal((await call(b, fromA.token)).status, 200);
  });

  test('a disabled partner is refused', async () => {
    await a.deployment.services.partners.update('bravo', { enabled: false });
    const fromB = await b.deployment.services.tokens.issue({ partner: 'alpha', host: a.authority });
    assert.equal((await call(a, fromB.token)).status, 401);
    await a.deployment.services.partners.update('bravo', { enabled: true });
  });
});
