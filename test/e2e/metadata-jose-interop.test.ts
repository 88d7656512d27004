/**
 * Issue 3 "Done when": our tokens verify with an independent JWT library (jose, used only in tests)
 * against the certificate taken from our own metadata document — and against our JWKS. The document is
 * read the way Exchange reads it (docs/protocol.md §1.3: keys with usage signing / type x509Certificate,
 * thumbprint recomputed from the certificate, `keyinfo.x5t` ignored).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as jose from 'jose';
import { openDeployment, resolveNodeConfig, PRINCIPAL_IDS } from '../../src/index.ts';
import { createHttpApp } from '../../src/adapters/http/index.ts';
import { makeCertificate } from '../fixtures/certificates.ts';

test('jose verifies our actor tokens with the certificate from /metadata/json/1 and with our JWKS', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 's2s-jose-'));
  const d = await openDeployment(
    resolveNodeConfig(
      { home, node: 'fe01.contoso.com' },
      { S2S_MASTER_KEY: randomBytes(32).toString('hex') },
    ),
  );
  t.after(async () => {
    await d.close();
    rmSync(home, { recursive: true, force: true });
  });
  await d.services.oauth.initialize({ realm: 'contoso.com', hostNames: ['lync-pool.contoso.com'] });
  const cert = await makeCertificate({
    subject: 'CN=lync-pool.contoso.com',
    dnsNames: ['lync-pool.contoso.com'],
    freshKey: true,
  });
  await d.services.certificates.import({
    file: Buffer.from(cert.pem),
    keyFile: Buffer.from(cert.keyPem),
    usages: ['OAuthTokenIssuer'],
  });
  const exchange = await makeCertificate({ subject: 'CN=mail.contoso.com', freshKey: true });
  await d.services.partners.create({
    identity: 'microsoft.exchange',
    trustLevel: 'Full',
    applicationIdentifier: PRINCIPAL_IDS.exchange,
    realm: 'contoso.com',
    certificate: exchange.der,
  });

  const app = await createHttpApp({ services: d.services });
  t.after(() => app.close());
  const metadata = (
    await app.inject({ url: '/metadata/json/1', headers: { host: 'lync-pool.contoso.com' } })
  ).json();
  type KeyEntry = {
    usage?: unknown;
    keyvalue?: { type?: unknown; value?: unknown };
    keyValue?: { type?: unknown; value?: unknown };
  };
  const signing = (metadata.keys as KeyEntry[]).filter(
    (k) =>
      String(k.usage).toLowerCase() === 'signing' &&
      String((k.keyvalue ?? k.keyValue)?.type).toLowerCase() === 'x509certificate',
  );
  assert.equal(signing.length, 1);
  const der = Buffer.from(String((signing[0]!.keyvalue ?? signing[0]!.keyValue)?.value), 'base64');
  const published = new X509Certificate(der);
  assert.equal(published.fingerprint.replace(/:/g, ''), cert.thumbprint);

  const { token, actorToken } = await d.services.tokens.issue({
    partner: 'microsoft.exchange',
    host: 'mail.contoso.com',
    user: { sip: 'kenmyer@contoso.com' },
  });
  const x5t = createHash('sha1').update(der).digest('base64url');

  // jose's JWT layer refuses the string nbf/exp the S2S profile uses (docs/protocol.md §2.1), so verify the JWS
  // and read the claims ourselves.
  const key = await jose.importX509(published.toString(), 'RS256');
  const verified = await jose.compactVerify(actorToken, key, { algorithms: ['RS256'] });
  assert.equal(verified.protectedHeader.x5t, x5t);
  assert.equal(verified.protectedHeader.kid, x5t);
  const claims = JSON.parse(Buffer.from(verified.payload).toString('utf8')) as Record<string, unknown>;
  assert.equal(claims.iss, `${PRINCIPAL_IDS.lync}@contoso.com`);
  assert.equal(claims.aud, `${PRINCIPAL_IDS.exchange}/mail.contoso.com@contoso.com`);
  assert.equal(claims.nameid, claims.iss);
  assert.match(String(claims.nbf), /^\d+$/);
  assert.match(String(claims.exp), /^\d+$/);
  // The act-as wrapper is unsigned (alg none) and carries exactly this actor token.
  const [outerHeader, outerPayload, outerSignature] = token.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(outerHeader!, 'base64url').toString()), {
    typ: 'JWT',
    alg: 'none',
  });
  assert.equal(outerSignature, '');
  assert.equal(JSON.parse(Buffer.from(outerPayload!, 'base64url').toString()).actortoken, actorToken);

  // The same through OIDC discovery → JWKS (docs/protocol.md §10).
  const discovery = (
    await app.inject({ url: '/.well-known/openid-configuration', headers: { host: 'lync-pool.contoso.com' } })
  ).json();
  const jwksPath = new URL(String(discovery.jwks_uri)).pathname;
  const jwks = (await app.inject({ url: jwksPath, headers: { host: 'lync-pool.contoso.com' } })).json();
  const viaJwks = await jose.compactVerify(actorToken, jose.createLocalJWKSet(jwks), {
    algorithms: ['RS256'],
  });
  assert.equal(viaJwks.protectedHeader.kid, x5t);

  // A tampered payload fails in jose too (the test is not vacuous).
  const [h, p, s] = actorToken.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, nameid: 'attacker@contoso.com' })).toString('base64url')}.${s}`;
  void p;
  await assert.rejects(jose.compactVerify(forged, key, { algorithms: ['RS256'] }));
});
