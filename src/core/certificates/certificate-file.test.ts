import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import {
  inflateIterations,
  opensslEncryptedKey,
  opensslPfx,
  opensslPkcs1Key,
  opensslThumbprint,
} from '../../../test/fixtures/pfx.ts';
import { readCertificateFile } from './certificate-file.ts';
import { CERTIFICATE_FILE_LIMITS } from './certificate-file-limits.ts';
import { describeCertificate } from './certificate-info.ts';
import { S2sError } from '../shared/errors.ts';

const PASSWORD = 'Pässwörd-€1';

function assertCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => err instanceof S2sError && err.code === code, `expected ${code}`);
}

let ca: TestCertificate;
let leaf: TestCertificate;
let other: TestCertificate;

describe('reading certificate files', async () => {
  ca = await makeCertificate({ subject: 'CN=Contoso Test Root', ca: true, keySize: 3072 });
  leaf = await makeCertificate({
    subject: 'CN=pool.contoso.com',
    dnsNames: ['pool.contoso.com', 'contoso.com'],
    issuer: ca,
  });
  other = await makeCertificate({ subject: 'CN=other.contoso.com', keySize: 4096 });

  for (const style of ['default', 'legacy', 'windows'] as const) {
    test(`reads an openssl ${style} PFX with its chain, leaf matched by key`, () => {
      const bytes = opensslPfx(leaf, { password: PASSWORD, style, chain: [ca], friendlyName: 'OAuth 2030' });
      const file = readCertificateFile({ bytes, password: PASSWORD, fileName: 'x.pfx' });
      assert.equal(file.format, 'pkcs12');
      assert.ok(file.certificate.equals(leaf.der));
      assert.equal(file.chain.length, 1);
      assert.ok(file.chain[0]!.equals(ca.der));
      assert.equal(file.friendlyName, 'OAuth 2030');
      const key = createPrivateKey({ key: file.privateKey!, format: 'der', type: 'pkcs8' });
      assert.ok(key.equals(leaf.privateKey));
    });
  }

  test('the leaf is the certificate matching the key even when the CA bag comes first', () => {
    const bytes = opensslPfx(ca, { password: PASSWORD, chain: [leaf], keyPem: leaf.keyPem });
    const file = readCertificateFile({ bytes, password: PASSWORD });
    assert.ok(file.certificate.equals(leaf.der));
  });

  test('a wrong password is ERR_CERTIFICATE_PASSWORD_WRONG, for modern and legacy files', () => {
    for (const style of ['default', 'legacy'] as const) {
      const bytes = opensslPfx(leaf, { password: PASSWORD, style });
      assertCode(() => readCertificateFile({ bytes, password: 'nope' }), 'ERR_CERTIFICATE_PASSWORD_WRONG');
      assertCode(() => readCertificateFile({ bytes }), 'ERR_CERTIFICATE_PASSWORD_WRONG');
    }
  });

  test('an empty-password PFX opens without a password', () => {
    const file = readCertificateFile({ bytes: opensslPfx(leaf, { password: '' }) });
    assert.ok(file.certificate.equals(leaf.der));
  });

  test('a truncated PFX is ERR_CERTIFICATE_FILE_TRUNCATED', () => {
    const bytes = opensslPfx(leaf, { password: PASSWORD });
    assertCode(
      () => readCertificateFile({ bytes: bytes.subarray(0, bytes.length - 100), password: PASSWORD }),
      'ERR_CERTIFICATE_FILE_TRUNCATED',
    );
  });

  test('PEM or base64 text given as a PFX is ERR_PFX_NOT_BINARY', () => {
    const bytes = opensslPfx(leaf, { password: PASSWORD });
    assertCode(
      () => readCertificateFile({ bytes: Buffer.from(bytes.toString('base64')), password: PASSWORD }),
      'ERR_PFX_NOT_BINARY',
    );
    assertCode(
      () => readCertificateFile({ bytes: Buffer.from(leaf.pem + leaf.keyPem), fileName: 'c.pfx' }),
      'ERR_PFX_NOT_BINARY',
    );
  });

  test('a PFX without MAC is ERR_PFX_MAC_MISSING', () => {
    assertCode(
      () =>
        readCertificateFile({
          bytes: opensslPfx(leaf, { password: PASSWORD, style: 'nomac' }),
          password: PASSWORD,
        }),
      'ERR_PFX_MAC_MISSING',
    );
  });

  test('a huge iteration count is refused before any key derivation', () => {
    const hostile = inflateIterations(opensslPfx(leaf, { password: PASSWORD, iterations: 65535 }));
    const started = process.hrtime.bigint();
    assertCode(
      () => readCertificateFile({ bytes: hostile, password: PASSWORD }),
      'ERR_PFX_ITERATIONS_TOO_HIGH',
    );
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 200, 'refused fast');
  });

  test('a file over the size cap is refused before parsing', () => {
    assertCode(
      () => readCertificateFile({ bytes: Buffer.alloc(1024 * 1024 + 1, 0x30) }),
      'ERR_CERTIFICATE_FILE_TOO_LARGE',
    );
  });

  test('a PFX with no key reads as certificates only; with no certificate is ERR_CERTIFICATE_NO_CERTIFICATE', () => {
    const file = readCertificateFile({
      bytes: opensslPfx(leaf, { password: PASSWORD, noKey: true, chain: [ca] }),
      password: PASSWORD,
    });
    assert.equal(file.privateKey, null);
    assert.ok(file.certificate.equals(leaf.der));
    assertCode(
      () => readCertificateFile({ bytes: Buffer.from(leaf.keyPem) }),
      'ERR_CERTIFICATE_NO_CERTIFICATE',
    );
  });

  test('a key that matches no certificate is ERR_CERTIFICATE_KEY_MISMATCH (PFX and PEM)', () => {
    assertCode(
      () => readCertificateFile({ bytes: Buffer.from(leaf.pem + other.keyPem) }),
      'ERR_CERTIFICATE_KEY_MISMATCH',
    );
  });

  test('PEM pairs: PKCS#8, PKCS#1, encrypted PKCS#8, separate key file', () => {
    for (const key of [leaf.keyPem, opensslPkcs1Key(leaf.keyPem)]) {
      const file = readCertificateFile({ bytes: Buffer.from(ca.pem + leaf.pem + key) });
      assert.ok(file.certificate.equals(leaf.der));
      assert.ok(file.chain[0]!.equals(ca.der));
    }
    const encrypted = opensslEncryptedKey(leaf.keyPem, PASSWORD);
    const file = readCertificateFile({
      bytes: Buffer.from(leaf.pem),
      keyBytes: Buffer.from(encrypted),
      password: PASSWORD,
    });
    assert.ok(
      createPrivateKey({ key: file.privateKey!, format: 'der', type: 'pkcs8' }).equals(leaf.privateKey),
    );
    assertCode(
      () => readCertificateFile({ bytes: Buffer.from(leaf.pem + encrypted), password: 'wrong' }),
      'ERR_CERTIFICATE_PASSWORD_WRONG',
    );
    assertCode(
      () => readCertificateFile({ bytes: Buffer.from(leaf.pem + encrypted) }),
      'ERR_CERTIFICATE_PASSWORD_WRONG',
    );
  });

  test('a DER certificate reads without key', () => {
    const file = readCertificateFile({ bytes: leaf.der });
    assert.equal(file.format, 'der');
    assert.equal(file.privateKey, null);
  });

  test('garbage is ERR_CERTIFICATE_FILE_UNRECOGNIZED', () => {
    assertCode(
      () => readCertificateFile({ bytes: Buffer.from('hello world, not a certificate') }),
      'ERR_CERTIFICATE_FILE_UNRECOGNIZED',
    );
  });

  test("the thumbprint equals openssl's SHA-1 fingerprint without colons", () => {
    const info = describeCertificate(leaf.der);
    assert.equal(info.thumbprint, opensslThumbprint(leaf.der));
    assert.equal(info.thumbprint, leaf.thumbprint);
    assert.equal(info.keySize, 2048);
    assert.equal(info.keyAlgorithm, 'RSA');
    assert.equal(info.signatureAlgorithm, 'sha256RSA');
    assert.deepEqual(info.alternativeNames, ['pool.contoso.com', 'contoso.com']);
    assert.equal(info.isCa, false);
    assert.ok(describeCertificate(ca.der).isCa);
  });

  test('the work of a file is counted before any derivation: over the budget is ERR_CERTIFICATE_TOO_MUCH_WORK', () => {
    const tight = { ...CERTIFICATE_FILE_LIMITS, maxWork: 3000 };
    // Windows style: 3DES key (2 + 1 SHA-1 blocks), 3DES certificates (2 + 1), SHA-1 MAC (1) at 2048 each.
    const pfx = opensslPfx(leaf, { password: PASSWORD, style: 'windows', iterations: 2048 });
    assertCode(
      () => readCertificateFile({ bytes: pfx, password: PASSWORD }, tight),
      'ERR_CERTIFICATE_TOO_MUCH_WORK',
    );
    // Refused before the MAC is checked: a wrong password gets the same answer, nothing was derived.
    assertCode(
      () => readCertificateFile({ bytes: pfx, password: 'wrong' }, tight),
      'ERR_CERTIFICATE_TOO_MUCH_WORK',
    );
    const fits = { ...CERTIFICATE_FILE_LIMITS, maxWork: 7 * 2048 };
    assert.equal(readCertificateFile({ bytes: pfx, password: PASSWORD }, fits).format, 'pkcs12');
    // A separate encrypted PEM key is charged to the same file budget.
    const keyPem = opensslEncryptedKey(leaf.keyPem, PASSWORD, 4000);
    const input = { bytes: Buffer.from(leaf.pem), keyBytes: Buffer.from(keyPem), password: PASSWORD };
    assertCode(() => readCertificateFile(input, tight), 'ERR_CERTIFICATE_TOO_MUCH_WORK');
    assert.ok(readCertificateFile(input).privateKey);
  });
});
