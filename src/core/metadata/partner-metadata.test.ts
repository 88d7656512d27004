import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import { parseAuthMetadataDocument } from './partner-metadata.ts';
import { parseJwks, parseOpenIdConfiguration } from './openid-metadata.ts';
import { metadataFormatForUrl } from './metadata-format.ts';
import { parseSafeJson } from './safe-json.ts';

const now = new Date();
const src = 'https://partner.test/metadata/json/1';
const EXCHANGE = '00000002-0000-0ff1-ce00-000000000000';
const SHAREPOINT = '00000003-0000-0ff1-ce00-000000000000';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
}

describe('partner metadata documents', () => {
  let a: TestCertificate;
  let b: TestCertificate;
  before(async () => {
    a = await makeCertificate({ subject: 'CN=a' });
    b = await makeCertificate({ subject: 'CN=b', keySize: 3072 });
  });

  test('an Exchange-shaped document parses; keyinfo.x5t is ignored and thumbprints recomputed', () => {
    const doc = {
      id: '_5f1c2d7e-0a4b-4c55-9e1e-2b0c7a9d1f00',
      version: '1.0',
      name: 'Exchange',
      realm: 'Contoso.com',
      serviceName: EXCHANGE,
      issuer: `${EXCHANGE}@contoso.com`,
      allowedAudiences: [`${EXCHANGE}@contoso.com`],
      keys: [
        {
          usage: 'signing',
          keyinfo: { x5t: 'i_gz5qfYp5YPWAK1__0YhZnipLI' },
          keyvalue: { type: 'x509Certificate', value: a.der.toString('base64') },
        },
      ],
      endpoints: [
        {
          location: 'https://mail.contoso.com/autodiscover/metadata/json/1',
          protocol: 'OAuth2',
          usage: 'metadata',
        },
      ],
    };
    const parsed = parseAuthMetadataDocument(JSON.stringify(doc), src, now);
    assert.equal(parsed.serviceName, EXCHANGE);
    assert.equal(parsed.realm, 'contoso.com');
    assert.equal(parsed.issuer, `${EXCHANGE}@contoso.com`);
    assert.deepEqual(
      parsed.keys.map((k) => k.thumbprint),
      [a.thumbprint],
    );
    assert.equal(parsed.keys[0]!.x5t, a.x5t);
    assert.equal(parsed.endpoints[0]!.usage, 'metadata');
  });

  test('a SharePoint-shaped document parses: keyValue, Signing, x509certificate, escaped slashes, realm only in issuer', () => {
    const escaped = b.der.toString('base64').replace(/\//g, '\\/');
    const text = `{"issuer":"${SHAREPOINT}@af90cc03-4a26-45e9-906a-609cebcebbde","keys":[{"keyValue":{"type":"x509certificate","value":"${escaped}"},"usage":"Signing"}],"name":"${SHAREPOINT}","serviceName":"${SHAREPOINT}"}`;
    const parsed = parseAuthMetadataDocument(`\uFEFF${text}`, src, now);
    assert.equal(parsed.serviceName, SHAREPOINT);
    assert.equal(parsed.realm, 'af90cc03-4a26-45e9-906a-609cebcebbde');
    assert.deepEqual(
      parsed.keys.map((k) => k.thumbprint),
      [b.thumbprint],
    );
  });

  test('an ACS-shaped document parses with several keys and endpoints', () => {
    const acs = '00000001-0000-0000-c000-000000000000';
    const doc = {
      version: '1.0',
      realm: '*',
      serviceName: acs,
      issuer: `${acs}@*`,
      keys: [
        { usage: 'signing', keyValue: { type: 'x509Certificate', value: a.der.toString('base64') } },
        { usage: 'signing', keyValue: { type: 'x509Certificate', value: b.der.toString('base64') } },
        { usage: 'encryption', keyValue: { type: 'x509Certificate', value: 'AAAA' } },
      ],
      endpoints: [
        {
          location: 'https://accounts.accesscontrol.windows.net/tokens/OAuth/2',
          protocol: 'OAuth2',
          usage: 'issuance',
        },
        {
          location: 'https://accounts.accesscontrol.windows.net/tokens/delegation/1',
          protocol: 'DelegationIssuance1.0',
          usage: 'issuance',
        },
        {
          location: 'https://accounts.accesscontrol.windows.net/mgmt/delegation/1',
          protocol: 'DelegationManagement1.0',
          usage: 'management',
        },
      ],
      unknownMember: { anything: true },
    };
    const parsed = parseAuthMetadataDocument(JSON.stringify(doc), src, now);
    assert.equal(parsed.serviceName, acs);
    assert.equal(parsed.realm, '*');
    assert.equal(parsed.keys.length, 2);
    assert.equal(parsed.endpoints.length, 3);
  });

  test('an Exchange/1.0 document is taken verbatim and needs an issuer', () => {
    const keys = [
      { usage: 'signing', keyvalue: { type: 'x509Certificate', value: a.der.toString('base64') } },
    ];
    const parsed = parseAuthMetadataDocument(
      JSON.stringify({
        version: 'Exchange/1.0',
        serviceName: EXCHANGE,
        realm: 'fabrikam.com',
        issuer: 'custom-issuer',
        keys,
      }),
      src,
      now,
    );
    assert.equal(parsed.realm, 'fabrikam.com');
    assert.equal(parsed.issuer, 'custom-issuer');
    assert.equal(
      codeOf(() =>
        parseAuthMetadataDocument(
          JSON.stringify({ version: 'Exchange/1.0', serviceName: EXCHANGE, realm: 'x', keys }),
          src,
          now,
        ),
      ),
      'ERR_METADATA_INVALID',
    );
  });

  test('falls back to serviceName + realm when issuer has no @', () => {
    const keys = [
      { usage: 'signing', keyvalue: { type: 'x509Certificate', value: a.der.toString('base64') } },
    ];
    const parsed = parseAuthMetadataDocument(
      JSON.stringify({ ServiceName: EXCHANGE, REALM: 'x.com', keys }),
      src,
      now,
    );
    assert.equal(parsed.serviceName, EXCHANGE);
    assert.equal(parsed.realm, 'x.com');
    assert.equal(
      codeOf(() => parseAuthMetadataDocument(JSON.stringify({ realm: 'x.com', keys }), src, now)),
      'ERR_METADATA_INVALID',
    );
  });

  test('refusals: no keys, more than 10 keys, bad certificate, duplicate members, not JSON, too deep, too large', () => {
    const one = (value: string) => ({ usage: 'signing', keyvalue: { type: 'x509Certificate', value } });
    const base = { serviceName: EXCHANGE, realm: 'x.com' };
    assert.equal(
      codeOf(() => parseAuthMetadataDocument(JSON.stringify({ ...base, keys: [] }), src, now)),
      'ERR_METADATA_NO_KEYS',
    );
    assert.equal(
      codeOf(() =>
        parseAuthMetadataDocument(
          JSON.stringify({
            ...base,
            keys: [{ usage: 'signing', keyvalue: { type: 'x509Certificate', value: '' } }],
          }),
          src,
          now,
        ),
      ),
      'ERR_METADATA_NO_KEYS',
    );
    assert.equal(
      codeOf(() =>
        parseAuthMetadataDocument(JSON.stringify({ ...base, keys: [one('bm90IGEgY2VydA==')] }), src, now),
      ),
      'ERR_METADATA_INVALID_CERTIFICATE',
    );
    const dup = `{"serviceName":"${EXCHANGE}","realm":"x.com","keys":[{"usage":"signing","keyvalue":{"type":"x509Certificate","value":"${a.der.toString('base64')}"},"keyValue":{"type":"x509Certificate","value":"${b.der.toString('base64')}"}}]}`;
    assert.equal(
      codeOf(() => parseAuthMetadataDocument(dup, src, now)),
      'ERR_METADATA_DUPLICATE_MEMBER',
    );
    assert.equal(
      codeOf(() => parseAuthMetadataDocument('<html>', src, now)),
      'ERR_METADATA_INVALID',
    );
    assert.equal(
      codeOf(() => parseAuthMetadataDocument('[]', src, now)),
      'ERR_METADATA_INVALID',
    );
    assert.equal(
      codeOf(() => parseSafeJson('['.repeat(40) + ']'.repeat(40), src)),
      'ERR_METADATA_INVALID',
    );
    assert.equal(
      codeOf(() => parseSafeJson(JSON.stringify({ pad: 'x'.repeat(300 * 1024) }), src)),
      'ERR_METADATA_TOO_LARGE',
    );
  });

  test('more than 10 distinct signing certificates are refused', async () => {
    const certs = await Promise.all(
      Array.from({ length: 11 }, (_, i) => makeCertificate({ subject: `CN=k${i}` })),
    );
    const keys = certs.map((c) => ({
      usage: 'signing',
      keyvalue: { type: 'x509Certificate', value: c.der.toString('base64') },
    }));
    assert.equal(
      codeOf(() =>
        parseAuthMetadataDocument(JSON.stringify({ serviceName: EXCHANGE, realm: 'x.com', keys }), src, now),
      ),
      'ERR_METADATA_TOO_MANY_KEYS',
    );
  });

  test('an expired key is kept with a warning', async () => {
    const old = await makeCertificate({
      subject: 'CN=old',
      notBefore: new Date('2020-01-01Z'),
      notAfter: new Date('2021-01-01Z'),
    });
    const keys = [old, a].map((c) => ({
      usage: 'signing',
      keyvalue: { type: 'x509Certificate', value: c.der.toString('base64') },
    }));
    const parsed = parseAuthMetadataDocument(
      JSON.stringify({ serviceName: EXCHANGE, realm: 'x.com', keys }),
      src,
      now,
    );
    assert.equal(parsed.keys.length, 2);
    assert.deepEqual(
      parsed.warnings.map((w) => w.code),
      ['WARN_METADATA_KEY_EXPIRED'],
    );
  });

  test('OIDC discovery and JWKS: jwks_uri, keys with use sig, x5c[0]', () => {
    const oidc = parseOpenIdConfiguration(
      JSON.stringify({
        issuer: 'https://login.example/6c3b5b4e-1d1a-4b4a-9a0e-2a6f6c8d9e01/v2.0',
        jwks_uri: 'https://login.example/keys',
      }),
      src,
    );
    assert.equal(oidc.realm, '6c3b5b4e-1d1a-4b4a-9a0e-2a6f6c8d9e01');
    assert.equal(oidc.jwksUri, 'https://login.example/keys');
    const jwks = {
      keys: [
        { kty: 'RSA', use: 'enc', x5c: [b.der.toString('base64')] },
        { kty: 'RSA', use: 'sig', kid: 'x', x5c: [a.der.toString('base64'), b.der.toString('base64')] },
      ],
    };
    assert.deepEqual(
      parseJwks(JSON.stringify(jwks), src).map((k) => k.thumbprint),
      [a.thumbprint],
    );
    assert.equal(
      codeOf(() => parseJwks('{"keys":[]}', src)),
      'ERR_METADATA_NO_KEYS',
    );
  });

  test('the document type is chosen from the URL', () => {
    assert.equal(metadataFormatForUrl('https://x/autodiscover/metadata/json/1'), 'auth-metadata');
    assert.equal(metadataFormatForUrl('https://x/.well-known/openid-configuration'), 'openid-configuration');
    assert.equal(
      metadataFormatForUrl('https://x/FederationMetadata/2007-06/FederationMetadata.xml'),
      'ws-federation',
    );
    assert.equal(metadataFormatForUrl('https://x/whatever'), 'auth-metadata');
  });
});
