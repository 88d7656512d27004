import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import type { SigningMaterial, SigningMaterialEntry } from '../certificates/signing-material.ts';
import { buildMetadataDocument } from './metadata-document.ts';
import { buildJwks, buildOpenIdConfiguration } from './openid-configuration.ts';
import { parseAuthMetadataDocument } from './partner-metadata.ts';

const config = { serviceName: '00000004-0000-0ff1-ce00-000000000000', realm: 'contoso.com' };
const now = new Date('2026-03-01T00:00:00Z');
const url = 'https://pool.contoso.com/metadata/json/1';

function entry(c: TestCertificate): SigningMaterialEntry {
  return {
    thumbprint: c.thumbprint,
    x5t: c.x5t,
    certificateDer: c.der,
    chainDer: [],
    privateKey: c.privateKey,
    publicKey: c.publicKey,
    notBefore: new Date(new X509Certificate(c.der).validFrom),
    notAfter: new Date(new X509Certificate(c.der).validTo),
  };
}

describe('our metadata document', () => {
  let current: TestCertificate;
  let previous: TestCertificate;
  let expired: TestCertificate;
  let staged: TestCertificate;
  before(async () => {
    current = await makeCertificate({
      subject: 'CN=current',
      notBefore: new Date('2026-01-01Z'),
      notAfter: new Date('2027-01-01Z'),
    });
    previous = await makeCertificate({
      subject: 'CN=previous',
      notBefore: new Date('2025-01-01Z'),
      notAfter: new Date('2026-06-01Z'),
    });
    expired = await makeCertificate({
      subject: 'CN=expired',
      notBefore: new Date('2025-01-01Z'),
      notAfter: new Date('2026-02-01Z'),
    });
    staged = await makeCertificate({
      subject: 'CN=staged',
      notBefore: new Date('2026-04-01Z'),
      notAfter: new Date('2028-01-01Z'),
    });
  });

  test('has the Exchange superset shape in Exchange key order', () => {
    const doc = buildMetadataDocument(
      config,
      { current: entry(current), previous: null, staged: null },
      now,
      url,
    );
    assert.deepEqual(Object.keys(doc), [
      'id',
      'version',
      'name',
      'realm',
      'serviceName',
      'issuer',
      'allowedAudiences',
      'keys',
      'endpoints',
    ]);
    assert.match(doc.id, /^_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(doc.version, '1.0');
    assert.equal(doc.issuer, '00000004-0000-0ff1-ce00-000000000000@contoso.com');
    assert.deepEqual(doc.allowedAudiences, [doc.issuer]);
    assert.deepEqual(doc.keys, [
      {
        usage: 'signing',
        keyinfo: { x5t: current.x5t },
        keyvalue: { type: 'x509Certificate', value: current.der.toString('base64') },
      },
    ]);
    assert.deepEqual(doc.endpoints, [{ location: url, protocol: 'OAuth2', usage: 'metadata' }]);
  });

  test('publishes current, previous while valid, and a staged certificate before its effective date', () => {
    const material: SigningMaterial = {
      current: entry(current),
      previous: entry(previous),
      staged: { ...entry(staged), effectiveDate: new Date('2026-04-02Z') },
    };
    const doc = buildMetadataDocument(config, material, now, url);
    assert.deepEqual(
      doc.keys.map((k) => k.keyinfo.x5t),
      [current.x5t, previous.x5t, staged.x5t],
    );
    const withExpired = buildMetadataDocument(config, { ...material, previous: entry(expired) }, now, url);
    assert.deepEqual(
      withExpired.keys.map((k) => k.keyinfo.x5t),
      [current.x5t, staged.x5t],
    );
  });

  test('id is stable for a key set and changes with it', () => {
    const a = buildMetadataDocument(
      config,
      { current: entry(current), previous: null, staged: null },
      now,
      url,
    );
    const b = buildMetadataDocument(
      config,
      { current: entry(current), previous: null, staged: null },
      now,
      'https://other/metadata/json/1',
    );
    const c = buildMetadataDocument(
      config,
      { current: entry(current), previous: entry(previous), staged: null },
      now,
      url,
    );
    assert.equal(a.id, b.id);
    assert.notEqual(a.id, c.id);
  });

  test('our own document parses with the partner reader (round trip)', () => {
    const doc = buildMetadataDocument(
      config,
      { current: entry(current), previous: entry(previous), staged: null },
      now,
      url,
    );
    const parsed = parseAuthMetadataDocument(JSON.stringify(doc), url, now);
    assert.equal(parsed.serviceName, config.serviceName);
    assert.equal(parsed.realm, 'contoso.com');
    assert.deepEqual(
      parsed.keys.map((k) => k.thumbprint),
      [current.thumbprint, previous.thumbprint],
    );
  });

  test('OIDC discovery names an https issuer and the JWKS', () => {
    const oidc = buildOpenIdConfiguration(
      config,
      'http://pool.contoso.com:8443/.well-known/openid-configuration',
    );
    assert.equal(oidc.issuer, 'https://pool.contoso.com:8443/');
    assert.equal(oidc.jwks_uri, 'https://pool.contoso.com:8443/.well-known/jwks.json');
    assert.equal(oidc.s2s_issuer, '00000004-0000-0ff1-ce00-000000000000@contoso.com');
  });

  test('JWKS keys carry kid = x5t, x5c, x5t#S256 and the RSA public key', () => {
    const jwks = buildJwks({ current: entry(current), previous: null, staged: null }, now);
    const [key] = jwks.keys;
    assert.ok(key);
    assert.equal(key.kid, current.x5t);
    assert.equal(key.x5t, current.x5t);
    assert.equal(key.use, 'sig');
    assert.deepEqual(key.x5c, [current.der.toString('base64')]);
    const fromJwk = createPublicKey({ key: { kty: 'RSA', n: key.n, e: key.e }, format: 'jwk' });
    assert.ok(fromJwk.equals(current.publicKey));
  });
});
