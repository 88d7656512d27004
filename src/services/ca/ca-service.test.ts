import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '../../ca/index.ts';
import type { CertificateAssignment, CertificateRecord } from '../../core/index.ts';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import { testCaDeployment, testCaKeys } from './ca-test-deployment.ts';

const openssl = (args: string[], cwd: string) =>
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

async function withCa() {
  const d = await testCaDeployment();
  await d.ca.authority.init({ keys: testCaKeys() });
  return d;
}

/** openssl as the CA: a root, optionally an intermediate, and a signer for a request file. */
function opensslCa(dir: string) {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-subj',
      '/CN=OpenSSL Test Root',
      '-days',
      '30',
    ],
    dir,
  );
  writeFileSync(
    join(dir, 'server.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:pool.contoso.com\n',
  );
  writeFileSync(
    join(dir, 'client.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  return (csrPem: string, ext = 'server.ext') => {
    writeFileSync(join(dir, 'req.pem'), csrPem);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'req.pem',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'leaf.pem',
        '-days',
        '10',
        '-extfile',
        ext,
      ],
      dir,
    );
    return readFileSync(join(dir, 'leaf.pem'), 'utf8');
  };
}

describe('CaService: online issuance from the built-in CA', () => {
  test("issues, installs with a sealed key, assigns; valid against the CA's own root, which stays out of the trusted roots", async () => {
    const { ca, store } = await withCa();
    const outcome = await ca.request({ usages: ['Default'], ca: 'internal' });
    assert.equal(outcome.kind, 'issued');
    if (outcome.kind !== 'issued') return;
    const { result } = outcome;
    assert.equal(result.outcome, 'installed');
    // docs/ca.md "Trusting the root": the wizard's status uses the CA's own root; TLS trust is separate.
    assert.equal(result.status.status, 'valid');
    assert.ok(!result.warnings.some((w) => w.code === 'WARN_CA_ROOT_UNTRUSTED'));
    assert.deepEqual(await ca.trustedRoots.list(), []);
    const record = (await store.get<CertificateRecord>('certificate', result.thumbprint))!.body;
    assert.equal(record.source, 'request');
    assert.equal(record.chain.length, 1);
    assert.ok(record.privateKey && !JSON.stringify(record).includes('PRIVATE KEY'));
    const assignment = (await store.get<CertificateAssignment>('assignment', 'fe1.contoso.com/Default'))!
      .body;
    assert.equal(assignment.current, result.thumbprint);
    assert.deepEqual(await ca.listRequests(), []);
    const [root] = await ca.authority.caChain();
    await ca.trustedRoots.add(Buffer.from(toPem(root!)));
    assert.equal((await ca.status(result.thumbprint)).status, 'valid');
  });

  test('--no-assign installs without assigning; the issuance log records it', async () => {
    const { ca, store } = await withCa();
    const outcome = await ca.request({ usages: ['OAuthTokenIssuer'], ca: 'internal', assign: false });
    assert.equal(outcome.kind, 'issued');
    assert.equal(await store.get('assignment', 'global/OAuthTokenIssuer'), undefined);
    const issued = await ca.authority.issued();
    assert.equal(issued.length, 1);
    assert.equal(issued[0]!.subject, 'CN=contoso.com');
  });

  test('an intermediate CA issues and the chain is leaf → intermediate → root', async () => {
    const d = await testCaDeployment();
    await d.ca.authority.init({ keys: testCaKeys(), intermediateName: 'CN=S2S Issuing CA' });
    const [, root] = await d.ca.authority.caChain();
    await d.ca.trustedRoots.add(root!);
    const outcome = await d.ca.request({ usages: ['WebServicesInternal'], ca: 'internal' });
    assert.equal(outcome.kind === 'issued' && outcome.result.status.status, 'valid');
  });

  test('refusals: unknown template, key too small, ECDSA for OAuthTokenIssuer, no CA', async () => {
    const { ca } = await withCa();
    await assert.rejects(ca.request({ usages: ['Default'], ca: 'internal', template: 'Nope' }), {
      code: 'ERR_CA_TEMPLATE_UNKNOWN',
    });
    await assert.rejects(ca.plan({ usages: ['OAuthTokenIssuer'], keySize: 1024 }), {
      code: 'ERR_CA_KEY_TOO_SMALL',
    });
    await assert.rejects(ca.plan({ usages: ['OAuthTokenIssuer'], keyAlgorithm: 'ECDSA_P256' }), {
      code: 'ERR_CA_KEY_ALGORITHM',
    });
    await assert.rejects(ca.plan({ usages: ['Nonsense'] }), { code: 'ERR_INVALID_INPUT' });
    assert.deepEqual(await ca.listRequests(), []);
    const fresh = await testCaDeployment();
    await assert.rejects(fresh.ca.request({ usages: ['Default'], ca: 'internal' }), {
      code: 'ERR_CA_NOT_INITIALIZED',
    });
  });

  test('an ECDSA P-256 request for a web usage is issued', async () => {
    const { ca } = await withCa();
    const outcome = await ca.request({
      usages: ['WebServicesExternal'],
      ca: 'internal',
      keyAlgorithm: 'ECDSA_P256',
    });
    assert.equal(outcome.kind, 'issued');
  });

  test('revocation appears in the signed CRL', async () => {
    const { ca } = await withCa();
    await ca.request({ usages: ['Default'], ca: 'internal' });
    const [issued] = await ca.authority.issued();
    await ca.authority.revoke(issued!.serialNumber);
    const dir = mkdtempSync(join(tmpdir(), 's2s-crl-'));
    try {
      writeFileSync(join(dir, 'crl.der'), await ca.authority.crl());
      writeFileSync(join(dir, 'root.pem'), toPem((await ca.authority.caChain())[0]!));
      const text = openssl(
        ['crl', '-inform', 'DER', '-in', 'crl.der', '-CAfile', 'root.pem', '-noout', '-text'],
        dir,
      );
      assert.match(text.toUpperCase(), new RegExp(issued!.serialNumber.toUpperCase()));
      await assert.rejects(ca.authority.revoke('00ff'), { code: 'ERR_CA_CERTIFICATE_UNKNOWN' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CaService: offline requests with openssl as the CA', () => {
  test('round trip: openssl verifies our request, signs it, we import any order, openssl verifies the chain', async () => {
    const { ca, store } = await withCa();
    const dir = mkdtempSync(join(tmpdir(), 's2s-offline-'));
    try {
      const sign = opensslCa(dir);
      const outcome = await ca.request({ usages: ['Default'], organization: 'Contoso, Ltd', country: 'us' });
      assert.equal(outcome.kind, 'pending');
      if (outcome.kind !== 'pending') return;
      writeFileSync(join(dir, 'ours.pem'), outcome.csrPem);
      assert.match(
        openssl(['req', '-verify', '-in', 'ours.pem', '-noout', '-text'], dir),
        /DNS:pool\.contoso\.com/,
      );
      const leafPem = sign(outcome.csrPem);
      const caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
      const unrelated = (await makeCertificate({ subject: 'CN=unrelated' })).pem;
      const response = Buffer.from(caPem + unrelated + leafPem);
      assert.equal((await ca.listRequests()).length, 1);
      const result = await ca.importResponse({ certificates: ca.parseResponseFile(response) });
      assert.equal(result.outcome, 'installed');
      assert.deepEqual(result.droppedCertificates.length, 1);
      assert.ok(result.warnings.some((w) => w.code === 'WARN_CA_UNRELATED_DROPPED'));
      assert.equal(result.status.status, 'untrusted-root');
      const record = (await store.get<CertificateRecord>('certificate', result.thumbprint))!.body;
      writeFileSync(join(dir, 'stored-leaf.pem'), toPem(Buffer.from(record.certificate, 'base64')));
      writeFileSync(join(dir, 'stored-root.pem'), toPem(Buffer.from(record.chain[0]!, 'base64')));
      assert.match(openssl(['verify', '-CAfile', 'stored-root.pem', 'stored-leaf.pem'], dir), /OK/);
      assert.deepEqual(await ca.listRequests(), []);
      const again = await ca.importResponse({ certificates: ca.parseResponseFile(response) });
      assert.equal(again.outcome, 'already-imported');
      assert.ok(again.warnings.some((w) => w.code === 'WARN_CA_ALREADY_IMPORTED'));
      await ca.trustedRoots.add(Buffer.from(caPem));
      assert.equal((await ca.status(result.thumbprint)).status, 'valid');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a response matching no pending request is refused and every pending request survives', async () => {
    const { ca } = await withCa();
    await ca.request({ usages: ['Default'] });
    await ca.request({ usages: ['OAuthTokenIssuer'] });
    const stranger = await makeCertificate({ subject: 'CN=stranger' });
    await assert.rejects(ca.importResponse({ certificates: [stranger.der] }), {
      code: 'ERR_CA_RESPONSE_NO_MATCH',
    });
    assert.deepEqual(
      (await ca.listRequests()).map((r) => r.id),
      [1, 2],
    );
  });

  test('a response whose key usage is wrong is refused and the request stays pending', async () => {
    const { ca } = await withCa();
    const dir = mkdtempSync(join(tmpdir(), 's2s-usage-'));
    try {
      const sign = opensslCa(dir);
      const outcome = await ca.request({ usages: ['WebServicesInternal'] });
      if (outcome.kind !== 'pending') throw new Error('expected pending');
      const leaf = sign(outcome.csrPem, 'client.ext');
      await assert.rejects(ca.importResponse({ certificates: ca.parseResponseFile(Buffer.from(leaf)) }), {
        code: 'ERR_CA_RESPONSE_USAGE',
      });
      assert.equal((await ca.listRequests()).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('list, retrieve and clear pending requests; unknown ids are refused', async () => {
    const { ca } = await withCa();
    const outcome = await ca.request({ usages: ['Default'], friendlyName: 'web 2026' });
    const id = outcome.request.id;
    assert.equal((await ca.retrieveRequest(id)).friendlyName, 'web 2026');
    assert.match((await ca.retrieveRequest(id)).csrPem, /BEGIN CERTIFICATE REQUEST/);
    assert.ok(!('privateKey' in (await ca.retrieveRequest(id))));
    await assert.rejects(ca.retrieveRequest(99), { code: 'ERR_CA_REQUEST_UNKNOWN' });
    await assert.rejects(ca.clearRequest(99), { code: 'ERR_CA_REQUEST_UNKNOWN' });
    await ca.clearRequest(id);
    assert.deepEqual(await ca.listRequests(), []);
  });
});

describe('CaService: status of installed certificates', () => {
  test('chain incomplete, missing private key and usage mismatch', async () => {
    const { ca, store } = await withCa();
    const root = await makeCertificate({ subject: 'CN=Status Root', ca: true });
    const inter = await makeCertificate({
      subject: 'CN=Status Inter',
      ca: true,
      issuer: root,
      keySize: 3072,
    });
    const leaf = await makeCertificate({
      subject: 'CN=pool.contoso.com',
      issuer: inter,
      extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'],
      keySize: 3072,
    });
    const record = {
      thumbprint: leaf.thumbprint,
      certificate: leaf.der.toString('base64'),
      chain: [],
      exportable: false,
      friendlyName: 'x',
      source: 'import',
      addedAt: new Date().toISOString(),
    };
    await store.write([
      { op: 'put', kind: 'certificate', key: leaf.thumbprint, body: record, expect: 'absent' },
    ]);
    const report = await ca.status(leaf.thumbprint, ['Default']);
    assert.equal(report.status, 'chain-incomplete');
    assert.deepEqual(report.problems, ['chain-incomplete', 'missing-private-key', 'usage-mismatch']);
    assert.deepEqual(report.unfitUsages, ['Default']);
    assert.equal(
      (await ca.status(leaf.thumbprint, ['OAuthTokenIssuer'])).problems.includes('usage-mismatch'),
      false,
    );
  });
});
