import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../../test/fixtures/certificates.ts';
import { containsPrivateKey, parseResponseFile } from './response-file.ts';
import { orderChain, parseCertificates } from './certificate-chain.ts';

describe('parseResponseFile: PEM, DER, base64 and PKCS#7', async () => {
  const root = await makeCertificate({ subject: 'CN=Resp Root', ca: true });
  const leaf = await makeCertificate({ subject: 'CN=leaf', issuer: root, keySize: 3072 });
  const thumbs = [leaf.thumbprint, root.thumbprint].sort();

  test('PEM bundle in any order, DER and bare base64', () => {
    assert.deepEqual(parseResponseFile(Buffer.from(root.pem + leaf.pem)).length, 2);
    assert.deepEqual(parseResponseFile(leaf.der), [leaf.der]);
    assert.deepEqual(
      parseResponseFile(Buffer.from(leaf.der.toString('base64').replace(/(.{64})/g, '$1\r\n'))),
      [leaf.der],
    );
  });

  test('PKCS#7 (.p7b) as PEM and DER, made by openssl', () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-p7b-'));
    try {
      writeFileSync(join(dir, 'a.pem'), leaf.pem);
      writeFileSync(join(dir, 'b.pem'), root.pem);
      execFileSync(
        'openssl',
        ['crl2pkcs7', '-nocrl', '-certfile', 'a.pem', '-certfile', 'b.pem', '-out', 'c.p7b'],
        { cwd: dir },
      );
      execFileSync(
        'openssl',
        [
          'crl2pkcs7',
          '-nocrl',
          '-certfile',
          'a.pem',
          '-certfile',
          'b.pem',
          '-outform',
          'DER',
          '-out',
          'c.p7b.der',
        ],
        { cwd: dir },
      );
      for (const file of ['c.p7b', 'c.p7b.der']) {
        const ders = parseResponseFile(readFileSync(join(dir, file)));
        assert.deepEqual(
          parseCertificates(ders)
            .map((c) => c.thumbprint)
            .sort(),
          thumbs,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('orders the chain from the leaf and reports unrelated certificates', async () => {
    const stranger = await makeCertificate({ subject: 'CN=stranger', keySize: 3072 });
    const [l, r, s] = parseCertificates([leaf.der, root.der, stranger.der]);
    const ordered = await orderChain(l!, [s!, r!]);
    assert.deepEqual(
      ordered.chain.map((c) => c.thumbprint),
      [root.thumbprint],
    );
    assert.deepEqual(
      ordered.unrelated.map((c) => c.thumbprint),
      [stranger.thumbprint],
    );
    assert.equal(ordered.reachesRoot, true);
  });

  test('refuses a file without certificates; detects private keys', () => {
    assert.throws(() => parseResponseFile(Buffer.from('hello')), { code: 'ERR_CA_RESPONSE_INVALID' });
    assert.equal(containsPrivateKey(Buffer.from(leaf.keyPem)), true);
  });
});
