import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ManualClock, sharedError } from '../../core/index.ts';
import type {
  S2sPrincipal,
  SigningMaterial,
  SigningMaterialEntry,
  ValidationOutcome,
} from '../../core/index.ts';
import { partnerError } from '../../core/partners/partner-errors.ts';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import { MemoryDocumentStore } from '../../store/memory/memory-document-store.ts';
import {
  MetadataService,
  OAuthService,
  PartnerService,
  silentLogger,
  bindServicePorts,
} from '../../services/index.ts';
import type { ServiceDeps, Services } from '../../services/index.ts';
import { createHttpApp } from './http-app.ts';
import type { BearerValidator } from './s2s-auth.ts';

function entry(c: TestCertificate): SigningMaterialEntry {
  const x = new X509Certificate(c.der);
  return {
    thumbprint: c.thumbprint,
    x5t: c.x5t,
    certificateDer: c.der,
    chainDer: [],
    privateKey: c.privateKey,
    publicKey: c.publicKey,
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
  };
}

const principal: S2sPrincipal = {
  kind: 'partner',
  partnerIdentity: 'microsoft.exchange',
  applicationIdentifier: '00000002-0000-0ff1-ce00-000000000000',
  realm: 'contoso.com',
  trustLevel: 'Full',
  acceptSecurityIdentifierInformation: false,
  mode: 'app',
  user: null,
  expiresAt: new Date('2030-01-01Z'),
  signingThumbprint: 'AB',
};

/** A validator fake: "Bearer good" passes, anything else is refused the way TokenService refuses. */
const validator: BearerValidator & { seen: string[] } = {
  seen: [],
  validate({ authorization, requestUrl }): ValidationOutcome {
    this.seen.push(requestUrl);
    if (authorization === 'Bearer good') return { ok: true, principal };
    const bare = authorization === 'Bearer' || authorization === 'Bearer ' || authorization === undefined;
    const challenge =
      'Bearer realm="contoso.com", client_id="00000004-0000-0ff1-ce00-000000000000", trusted_issuers="00000002-0000-0ff1-ce00-000000000000@contoso.com"';
    return {
      ok: false,
      refusal: {
        code: 'ERR_TOKEN_INVALID_SIGNATURE',
        diagnostic: { code: 1001, category: 'invalid_signature', categoryCode: 2000000 },
        message: 'the actor token signature does not verify',
        status: 401,
        wwwAuthenticate: bare ? challenge : `${challenge}, error="invalid_token"`,
        msDiagnostics: bare
          ? null
          : '2000000;reason="the actor token signature does not verify";error_category="invalid_signature"',
      },
    };
  },
};

describe('HTTP app', () => {
  let app: FastifyInstance;
  let material: SigningMaterial;
  const outcomes: boolean[] = [];
  let current: TestCertificate;
  let staged: TestCertificate;

  before(async () => {
    current = await makeCertificate({ subject: 'CN=current' });
    staged = await makeCertificate({
      subject: 'CN=staged',
      freshKey: true,
      notBefore: new Date(Date.now() + 86400_000),
      notAfter: new Date(Date.now() + 800 * 86400_000),
    });
    material = { current: entry(current), previous: null, staged: null };
    const clock = new ManualClock();
    const store = new MemoryDocumentStore({ clock });
    const services = {} as { -readonly [K in keyof Services]: Services[K] };
    const deps: ServiceDeps = {
      store,
      clock,
      secretBox: () => assert.fail(),
      logger: silentLogger,
      nodeName: 'fe1.contoso.com',
      home: '/x',
      ports: bindServicePorts(services),
    };
    services.oauth = new OAuthService(deps);
    services.partners = new PartnerService(deps);
    (services as Record<string, unknown>).certificates = { signingMaterial: () => material };
    await services.oauth.initialize({ realm: 'contoso.com', hostNames: ['pool.contoso.com'] });
    app = await createHttpApp({
      services: { metadata: new MetadataService(deps), tokens: validator },
      onAuthResult: (o) => outcomes.push(o.ok),
      extraRoutes: [
        async (child) => {
          child.get('/protected', { preHandler: child.requireS2sAuth }, async (request) => ({
            partner: request.s2sPrincipal?.partnerIdentity,
          }));
          child.get('/boom/refused', async () => {
            throw partnerError('ERR_PARTNER_IS_SELF', 'partner x names our own service name');
          });
          child.get('/boom/missing', async () => {
            throw partnerError('ERR_PARTNER_NOT_FOUND', 'no partner application named x');
          });
          child.get('/boom/internal', async () => {
            throw sharedError('ERR_INTERNAL', 'secret internals at /var/lib/x');
          });
          child.get('/boom/foreign', async () => {
            throw new Error('ECONNREFUSED 10.0.0.5:5432');
          });
          child.post('/echo', async (request) => request.body);
        },
      ],
    });
  });
  after(() => app.close());

  test('GET /metadata/json/1 serves our document, anonymous, as UTF-8 JSON with a modest cache lifetime', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/metadata/json/1',
      headers: { host: 'pool.contoso.com' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    const doc = res.json();
    assert.equal(doc.issuer, '00000004-0000-0ff1-ce00-000000000000@contoso.com');
    assert.deepEqual(doc.endpoints, [
      { location: 'https://pool.contoso.com/metadata/json/1', protocol: 'OAuth2', usage: 'metadata' },
    ]);
    assert.deepEqual(
      doc.keys.map((k: { keyinfo: { x5t: string } }) => k.keyinfo.x5t),
      [current.x5t],
    );
  });

  test('a staged certificate appears in the document at once, before its effective date', async () => {
    material = {
      ...material,
      staged: { ...entry(staged), effectiveDate: new Date(Date.now() + 2 * 86400_000) },
    };
    const doc = (await app.inject({ method: 'GET', url: '/metadata/json/1' })).json();
    assert.deepEqual(
      doc.keys.map((k: { keyinfo: { x5t: string } }) => k.keyinfo.x5t),
      [current.x5t, staged.x5t],
    );
    const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    assert.deepEqual(
      jwks.keys.map((k: { kid: string }) => k.kid),
      [current.x5t, staged.x5t],
    );
    material = { ...material, staged: null };
  });

  test('OIDC discovery points at the JWKS on a configured host name, whatever Host the request carried', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/.well-known/openid-configuration',
      headers: { host: 'pool.contoso.com:4443' },
    });
    assert.equal(res.json().jwks_uri, 'https://pool.contoso.com/.well-known/jwks.json');
  });

  test('requireS2sAuth attaches the principal on success', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/protected?x=1',
      headers: { authorization: 'Bearer good', host: 'pool.contoso.com' },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { partner: 'microsoft.exchange' });
    assert.equal(validator.seen.at(-1), 'http://pool.contoso.com/protected?x=1');
  });

  test('requireS2sAuth answers 401 with the challenge, x-ms-diagnostics and a JSON body', async () => {
    const count = outcomes.length;
    const res = await app.inject({
      method: 'GET',
      url: '/protected',
      headers: { authorization: 'Bearer forged' },
    });
    assert.equal(res.statusCode, 401);
    assert.match(
      String(res.headers['www-authenticate']),
      /^Bearer realm="contoso.com", client_id=.*error="invalid_token"$/,
    );
    assert.match(String(res.headers['x-ms-diagnostics']), /^2000000;reason=/);
    assert.deepEqual(res.json(), {
      error: 'invalid_token',
      error_description: 'the actor token signature does not verify',
      code: 'ERR_TOKEN_INVALID_SIGNATURE',
    });
    const bare = await app.inject({
      method: 'GET',
      url: '/protected',
      headers: { authorization: 'Bearer ' },
    });
    assert.equal(bare.statusCode, 401);
    assert.equal(bare.headers['x-ms-diagnostics'], undefined);
    assert.deepEqual(outcomes.slice(count), [false, false]);
  });

  test('errors map to statuses by category and never leak internals', async () => {
    const refused = await app.inject({ method: 'GET', url: '/boom/refused' });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json(), {
      error: 'refused',
      error_description: 'partner x names our own service name',
      code: 'ERR_PARTNER_IS_SELF',
    });
    assert.equal((await app.inject({ method: 'GET', url: '/boom/missing' })).statusCode, 404);
    for (const url of ['/boom/internal', '/boom/foreign']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 500);
      assert.deepEqual(res.json(), {
        error: 'internal',
        error_description: 'internal error',
        code: 'ERR_INTERNAL',
      });
    }
    const badJson = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{nope',
    });
    assert.equal(badJson.statusCode, 400);
    assert.equal(badJson.json().code, 'ERR_USAGE');
    const unknown = await app.inject({ method: 'GET', url: '/nothing-here?token=abc' });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(unknown.json(), {
      error: 'not_found',
      error_description: 'no route answers GET /nothing-here',
      code: 'ERR_HTTP_NOT_FOUND',
    });
  });
});
