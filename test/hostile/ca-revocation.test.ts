/**
 * Revocation is honoured wherever s2s trusts its own CA's certificates (docs/security.md "Built-in CA and
 * outbound trust"): once the administrator trusts the built-in root for outbound TLS, a TLS certificate that
 * CA issued and later revoked is refused by the metadata fetcher (registration and refresh), by the
 * connectivity test's HTTPS client and by enrollment against another CA, with the TLS trust code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { caBackendFor, createRequest, generateKeyPair, toPem } from '../../src/ca/index.ts';
import { PartnerHttpsClient, isTransportFailure } from '../../src/services/storage/partner-https-client.ts';
import { outboundTrust } from '../../src/services/outbound-trust.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { hostileWorld, REALM } from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';

const PARTNER_ID = '55555555-0000-0000-0000-000000000055';

let w: HostileWorld;
let signing: TestCertificate;
let server: Server;
let base = '';
let serial = '';

function metadata(): string {
  return JSON.stringify({
    id: '_r',
    version: '1.0',
    realm: REALM,
    serviceName: PARTNER_ID,
    issuer: `${PARTNER_ID}@${REALM}`,
    keys: [
      {
        usage: 'signing',
        keyinfo: { x5t: signing.x5t },
        keyvalue: { type: 'x509Certificate', value: signing.der.toString('base64') },
      },
    ],
  });
}

before(async () => {
  w = await hostileWorld();
  signing = await makeCertificate({ subject: 'CN=partner.contoso.com', freshKey: true });
  const ca = w.d.services.ca;
  const doc = await ca.authority.init({});
  // The explicit decision `ca init --trust-for-tls` makes: the own root is trusted for outbound TLS.
  await ca.trustedRoots.add(Buffer.from(doc.root.certificate, 'base64'));
  await ca.authority.addTemplate({
    name: 'LoopbackServer',
    displayName: 'Loopback server',
    keyUsages: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsages: ['serverAuth'],
    validityDays: 30,
    sanPolicy: 'copy',
    minimumRsaKeySize: 2048,
    allowWildcard: false,
    allowIpAddresses: true,
  });
  const keys = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
  const csr = await createRequest(
    { subject: 'CN=127.0.0.1', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] },
    keys,
  );
  const issued = await ca.authority.issue({ csr, template: 'LoopbackServer', account: null });
  serial = issued.serialNumber;
  server = createServer(
    {
      key: keys.privateKey.export({ format: 'pem', type: 'pkcs8' }),
      cert: [issued.certificate, ...issued.chain].map((der) => toPem(der)).join(''),
    },
    (req, res) => {
      if (req.url === '/metadata/json/1')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(metadata());
      res.writeHead(404).end('{}');
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await w?.close();
});

describe('a TLS certificate revoked by the built-in CA is no longer trusted for outbound TLS', () => {
  test('before revocation: the partner registers over the CA-issued certificate', async () => {
    const { partner } = await w.d.services.partners.create({
      identity: 'ca-served',
      metadataUrl: `${base}/metadata/json/1`,
    });
    assert.equal(partner.partner.keys.length, 1);
    const client = await PartnerHttpsClient.open(w.d.store);
    try {
      const r = await client.send('GET', `${base}/nothing`, {});
      assert.ok(!isTransportFailure(r), JSON.stringify(r));
      assert.equal(r.status, 404);
    } finally {
      await client.close();
    }
  });

  test('after revocation: refresh, registration, the connectivity client and enrollment refuse it', async () => {
    await w.d.services.ca.authority.revoke(serial);
    assert.equal((await outboundTrust(w.d.store)).revoked.size, 1);

    await assert.rejects(
      w.d.services.partners.refresh('ca-served'),
      (e: { code?: string; message?: string }) => {
        assert.equal(e.code, 'ERR_METADATA_TLS_UNTRUSTED', e.message);
        assert.match(e.message ?? '', /CERT_REVOKED/);
        return true;
      },
    );

    await assert.rejects(
      w.d.services.partners.create({ identity: 'ca-served-2', metadataUrl: `${base}/metadata/json/1` }),
      (e: { code?: string; message?: string }) => {
        assert.equal(e.code, 'ERR_METADATA_TLS_UNTRUSTED', e.message);
        assert.match(e.message ?? '', /CERT_REVOKED/);
        return true;
      },
    );

    const client = await PartnerHttpsClient.open(w.d.store);
    try {
      const r = await client.send('GET', `${base}/nothing`, {});
      assert.ok(isTransportFailure(r), 'the connectivity client refused the revoked certificate');
      assert.equal(r.kind, 'tls');
      assert.equal(r.code, 'CERT_REVOKED');
    } finally {
      await client.close();
    }

    const trust = await outboundTrust(w.d.store);
    await assert.rejects(
      caBackendFor(
        { kind: 'enrollment', url: base },
        { submit: () => Promise.reject(new Error('unused')) },
      ).submit({
        template: 'WebServer',
        csrPem: 'unused',
        trustedRootsPem: trust.trustedRoots.map((der) => toPem(der)),
        revoked: trust.revoked,
      }),
      (e: { code?: string; message?: string }) => {
        assert.equal(e.code, 'ERR_CA_ENROLLMENT_FAILED', e.message);
        assert.match(e.message ?? '', /revoked/i);
        return true;
      },
    );
  });

  test('the last known good metadata of the partner is kept after the refused refresh', async () => {
    const p = await w.d.services.partners.get('ca-served');
    assert.equal(p.partner.keys.length, 1);
  });
});
