import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import { opensslPfxInfo, opensslPfxKey } from '../../../test/fixtures/pfx.ts';
import { writePfx } from './pfx-writer.ts';
import { readCertificateFile } from './certificate-file.ts';

const PASSWORD = 'export-Pässword';

describe('writing PFX files', async () => {
  const root = await makeCertificate({ subject: 'CN=Export Root', ca: true, keySize: 3072 });
  const leaf = await makeCertificate({ subject: 'CN=export.contoso.com', issuer: root });
  const privateKey = leaf.privateKey.export({ format: 'der', type: 'pkcs8' });

  for (const legacy of [false, true]) {
    const style = legacy ? 'legacy 3DES/SHA-1' : 'modern AES-256/SHA-256';
    test(`${style}: openssl verifies the MAC and reads the key`, () => {
      const pfx = writePfx({
        certificate: leaf.der,
        chain: [root.der],
        privateKey,
        password: PASSWORD,
        friendlyName: 'exported',
        legacy,
      });
      const info = opensslPfxInfo(pfx, PASSWORD);
      assert.ok(info.ok, info.output);
      assert.match(info.output, legacy ? /MAC: sha1/ : /MAC: sha256/);
      assert.match(info.output, legacy ? /pbeWithSHA1And3-KeyTripleDES-CBC/ : /PBES2, PBKDF2, AES-256-CBC/);
      assert.ok(createPrivateKey(opensslPfxKey(pfx, PASSWORD)).equals(leaf.privateKey));
      assert.equal(opensslPfxInfo(pfx, 'wrong').ok, false);
    });
    test(`${style}: round trip through our reader keeps leaf, chain, key and name`, () => {
      const pfx = writePfx({
        certificate: leaf.der,
        chain: [root.der],
        privateKey,
        password: PASSWORD,
        friendlyName: 'exported',
        legacy,
      });
      const file = readCertificateFile({ bytes: pfx, password: PASSWORD });
      assert.ok(file.certificate.equals(leaf.der));
      assert.ok(file.chain[0]!.equals(root.der));
      assert.ok(file.privateKey!.equals(privateKey));
      assert.equal(file.friendlyName, 'exported');
    });
  }
});
