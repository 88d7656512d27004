import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Script } from 'node:vm';
import { CERTIFICATE_FILE_LIMITS } from '../../core/certificates/index.ts';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import { opensslPfx, opensslThumbprint } from '../../../test/fixtures/pfx.ts';
import { CertificateReaderThread } from './certificate-file-reader.ts';
import { certificateWorkerSource } from './certificate-worker-source.ts';

describe('certificate reader thread', () => {
  let cert: TestCertificate;
  const reader = new CertificateReaderThread();
  before(async () => {
    cert = await makeCertificate({ subject: 'CN=reader.contoso.com' });
  });
  after(() => reader.close());

  test('one worker serves every read, in parallel too', async () => {
    const modern = opensslPfx(cert, { password: 'secret-1' });
    const legacy = opensslPfx(cert, { password: 'secret-2', style: 'legacy' });
    const reads = await Promise.all([
      reader.read({ bytes: modern, password: 'secret-1' }, CERTIFICATE_FILE_LIMITS),
      reader.read({ bytes: legacy, password: 'secret-2' }, CERTIFICATE_FILE_LIMITS),
      reader.read({ bytes: Buffer.from(cert.pem) }, CERTIFICATE_FILE_LIMITS),
    ]);
    assert.deepEqual(
      reads.map((r) => r.format),
      ['pkcs12', 'pkcs12', 'pem'],
    );
    for (const r of reads) assert.equal(opensslThumbprint(r.certificate), opensslThumbprint(cert.der));
    assert.equal(reader.workersStarted, 1);
  });

  test('a wrong password is reported as such, by the worker, with its own code', async () => {
    const pfx = opensslPfx(cert, { password: 'right-one' });
    await assert.rejects(reader.read({ bytes: pfx, password: 'wrong-one' }, CERTIFICATE_FILE_LIMITS), {
      code: 'ERR_CERTIFICATE_PASSWORD_WRONG',
    });
  });

  test('a file asking for more key-derivation work than the budget is refused before deriving', async () => {
    const pfx = opensslPfx(cert, { password: 'pw', iterations: 2048 });
    // MAC (2048) + certificate safe (2048) + key (2048): 6144 hash iterations with SHA-256.
    await assert.rejects(
      reader.read({ bytes: pfx, password: 'pw' }, { ...CERTIFICATE_FILE_LIMITS, maxWork: 5000 }),
      (err: Error & { code?: string; details?: { spent?: number; max?: number } }) => {
        assert.equal(err.code, 'ERR_CERTIFICATE_TOO_MUCH_WORK');
        assert.equal(err.details?.max, 5000);
        return true;
      },
    );
    const ok = await reader.read(
      { bytes: pfx, password: 'pw' },
      { ...CERTIFICATE_FILE_LIMITS, maxWork: 6144 },
    );
    assert.equal(ok.format, 'pkcs12');
  });

  test('after the worker is stopped, the next read starts a new one', async () => {
    await reader.close();
    const r = await reader.read({ bytes: Buffer.from(cert.pem) }, CERTIFICATE_FILE_LIMITS);
    assert.equal(r.format, 'pem');
    assert.equal(reader.workersStarted, 2);
  });
});

test('the worker is one plain-JavaScript script: no TypeScript loader, no code-base index', async () => {
  const source = await certificateWorkerSource();
  assert.doesNotThrow(() => new Script(source), 'compiles as plain JavaScript');
  assert.doesNotMatch(source, /\btsx\b/);
  assert.doesNotMatch(source, /@peculiar\/x509|reflect-metadata|fastify|better-sqlite3/);
  assert.ok(source.length < 400_000, `${source.length} bytes`);
});
