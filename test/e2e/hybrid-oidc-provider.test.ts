/**
 * docs/hybrid.md, end to end against an authorization server no one here wrote: node-oidc-provider (npm)
 * on real HTTPS on 127.0.0.1, with private_key_jwt client authentication and an RS256 signing key. Two
 * s2s deployments register it with `oauth-server new`, each registers the other through it
 * (`partner new --use-oauth-server`), and the storage connectivity test from "skype" to "exchange" passes
 * with the actor token obtained from the server. Removing the client at the server makes the test fail
 * with the server's reason.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { PRINCIPAL_IDS } from '../../src/core/index.ts';
import { EXIT_CODES } from '../../src/adapters/cli/index.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { loopbackCertificate } from '../hostile/loopback-certificate.ts';
import { startTestDeployment, trustRootsOf } from './storage-deployment.ts';
import type { TestDeployment } from './storage-deployment.ts';

const REALM = 'litwareinc.com';
const KEN = 'sip:kenmyer@litwareinc.com';

/** node-oidc-provider's storage: one Map per model; the test removes a client by deleting its entry. */
const models = new Map<string, Map<string, Record<string, unknown>>>();
class MapAdapter {
  readonly #rows: Map<string, Record<string, unknown>>;
  constructor(model: string) {
    if (!models.has(model)) models.set(model, new Map());
    this.#rows = models.get(model)!;
  }
  async upsert(id: string, payload: Record<string, unknown>): Promise<void> {
    this.#rows.set(id, payload);
  }
  async find(id: string): Promise<Record<string, unknown> | undefined> {
    return this.#rows.get(id);
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async consume(id: string): Promise<void> {
    const row = this.#rows.get(id);
    if (row) row['consumed'] = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    this.#rows.delete(id);
  }
  async revokeByGrantId(): Promise<void> {}
}

describe('hybrid against node-oidc-provider (private_key_jwt, RS256)', { timeout: 180_000 }, () => {
  let skype: TestDeployment;
  let exchange: TestDeployment;
  let idp: Server;
  let issuer: string;
  let dir: string;
  let ca: TestCertificate;

  async function cli(d: TestDeployment, argv: string[]) {
    const r = await d.cli(argv);
    return { ...r, json: JSON.parse(r.out || '{}') as Record<string, unknown> };
  }

  async function registerClient(): Promise<void> {
    // Our OAuthTokenIssuer public key, as an administrator registers it for the client (kid = x5t).
    const material = await skype.deployment.services.certificates.signingMaterial('OAuthTokenIssuer');
    const current = material.current!;
    const jwk = {
      ...current.publicKey.export({ format: 'jwk' }),
      kid: current.x5t,
      use: 'sig',
      alg: 'RS256',
    };
    await new MapAdapter('Client').upsert(PRINCIPAL_IDS.lync, {
      client_id: PRINCIPAL_IDS.lync,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      jwks: { keys: [jwk] },
    });
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-hybrid-'));
    // (the name 'CN=Test Root' is the one test/hostile/loopback-certificate.ts builds chains with)
    ca = await makeCertificate({ subject: 'CN=Test Root', ca: true });
    const tls = await loopbackCertificate(ca);
    const signing = await makeCertificate({ subject: 'CN=idp signing', freshKey: true });
    idp = createServer({ cert: tls.pem, key: tls.keyPem });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    issuer = `https://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    const provider = new Provider(issuer, {
      adapter: MapAdapter,
      jwks: {
        keys: [
          {
            ...signing.privateKey.export({ format: 'jwk' }),
            use: 'sig',
            alg: 'RS256',
          },
        ],
      },
      clientAuthMethods: ['private_key_jwt'],
      ttl: { ClientCredentials: 900 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => ({
            scope: 'storage',
            audience: resource,
            accessTokenTTL: 900,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
    });
    idp.on('request', provider.callback());

    [skype, exchange] = await Promise.all([
      startTestDeployment('skype', { realm: REALM, serviceName: PRINCIPAL_IDS.lync }),
      startTestDeployment('exchange', { realm: REALM, serviceName: PRINCIPAL_IDS.exchange }),
    ]);
    await trustRootsOf(skype, exchange);
    await trustRootsOf(exchange, skype);
    writeFileSync(join(dir, 'idp-root.pem'), ca.pem);
    for (const d of [skype, exchange]) {
      const root = await cli(d, ['trusted-root', 'add', '--path', join(dir, 'idp-root.pem'), '--json']);
      assert.equal(root.code, 0, root.err + root.out);
      const added = await cli(d, [
        'oauth-server',
        'new',
        '--identity',
        'contoso.idp',
        '--metadata-url',
        `${issuer}/.well-known/openid-configuration`,
        '--json',
      ]);
      assert.equal(added.code, 0, added.err + added.out);
    }
    await registerClient();
    const viaSkype = await cli(skype, [
      'partner',
      'new',
      '--identity',
      'exchange',
      '--application-identifier',
      PRINCIPAL_IDS.exchange,
      '--use-oauth-server',
      'contoso.idp',
      '--storage-url',
      `${exchange.server.url}/storage/v1`,
      '--json',
    ]);
    assert.equal(viaSkype.code, 0, viaSkype.err + viaSkype.out);
    const viaExchange = await cli(exchange, [
      'partner',
      'new',
      '--identity',
      'skype',
      '--application-identifier',
      PRINCIPAL_IDS.lync,
      '--use-oauth-server',
      'contoso.idp',
      '--trust-level',
      'Full',
      '--json',
    ]);
    assert.equal(viaExchange.code, 0, viaExchange.err + viaExchange.out);
    const user = await cli(exchange, [
      'user',
      'add',
      '--sip',
      KEN,
      '--smtp',
      'kenmyer@litwareinc.com',
      '--upn',
      'kenmyer@litwareinc.com',
      '--json',
    ]);
    assert.equal(user.code, 0, user.err + user.out);
  });

  after(async () => {
    await Promise.all([skype?.close(), exchange?.close()]);
    await new Promise<void>((resolve) => (idp ? idp.close(() => resolve()) : resolve()));
    idp?.closeAllConnections();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('oauth-server get shows the discovered issuer, token endpoint, key and the partner using it', async () => {
    const r = await cli(exchange, ['oauth-server', 'get', '--identity', 'contoso.idp', '--json']);
    assert.equal(r.code, 0, r.err);
    const [server] = r.json['oauthServers'] as Array<Record<string, unknown>>;
    assert.equal(server?.['type'], 'oauth2');
    assert.equal(server?.['issuer'], issuer);
    assert.equal(server?.['tokenEndpoint'], `${issuer}/token`);
    assert.deepEqual(server?.['partners'], ['skype']);
    // The provider's default JWKS: a bare RSA key (no x5c) with its own kid.
    const [key] = server?.['keys'] as Array<{ spki?: string; kid?: string; certificate: string }>;
    assert.ok(key?.spki && key.kid && key.certificate === '', JSON.stringify(key));
    const p = await skype.cli(['partner', 'get', '--identity', 'exchange']);
    assert.match(p.out, /UseOAuthServer\s*:\s*contoso\.idp/);
  });

  test('storage connectivity passes with the actor token obtained from the server', async () => {
    const r = await cli(skype, [
      'test',
      'storage-connectivity',
      '--partner',
      'exchange',
      '--sip-uri',
      KEN,
      '--delete-item',
      '--json',
    ]);
    assert.equal(r.code, EXIT_CODES.ok, r.out + r.err);
    const steps = r.json['steps'] as Array<{
      name: string;
      status: string;
      detail: string | null;
      durationMs: number;
    }>;
    const actor = steps.find((s) => s.name === 'actor');
    assert.equal(actor?.status, 'passed');
    assert.match(actor?.detail ?? '', /actor token from OAuth server contoso\.idp \(oauth2\)/);
    assert.ok((actor?.durationMs ?? 0) > 0, 'the request to the server is timed');
    assert.deepEqual(
      steps.map((s) => s.status),
      ['passed', 'skipped', 'passed', 'passed', 'passed', 'passed', 'passed'],
    );
    assert.equal((await exchange.deployment.store.list('mailbox-item')).length, 0, 'the item was deleted');
  });

  test('the validating side explains a token of the server step by step', async () => {
    const issued = await skype.deployment.services.tokens.issue({
      partner: 'exchange',
      host: new URL(exchange.server.url).host,
    });
    const report = await exchange.deployment.services.tokens.explain(
      issued.token,
      `${exchange.server.url}/storage/v1/users`,
    );
    assert.ok(report.outcome.ok, JSON.stringify(report.steps.at(-1)));
    const issuerStep = report.steps.find((s) => s.name === 'issuer');
    assert.match(issuerStep?.detail ?? '', /OAuth server contoso\.idp/);
  });

  test("removing the client at the server makes the test fail with the server's reason", async () => {
    await new MapAdapter('Client').destroy(PRINCIPAL_IDS.lync);
    try {
      const r = await cli(skype, [
        'test',
        'storage-connectivity',
        '--partner',
        'exchange',
        '--sip-uri',
        KEN,
        '--json',
      ]);
      assert.equal(r.code, EXIT_CODES.refused, r.out);
      const error = r.json['error'] as { code: string; message: string };
      assert.equal(error.code, 'ERR_OAUTH_SERVER_REFUSED');
      assert.match(error.message, /HTTP 401: invalid_client/);
      const human = await skype.cli([
        'test',
        'storage-connectivity',
        '--partner',
        'exchange',
        '--sip-uri',
        KEN,
      ]);
      assert.match(human.err + human.out, /ERR_OAUTH_SERVER_REFUSED/);
      assert.match(human.err + human.out, /fix: /);
    } finally {
      await registerClient();
    }
  });
});
