/**
 * A certification authority's certificate signs tokens (docs/security.md §6.2): a certificate with
 * basicConstraints CA:TRUE is refused for every usage s2s acts on (OAuthTokenIssuer, Default,
 * WebServicesInternal, WebServicesExternal), and a token-signing certificate whose key usage excludes
 * digitalSignature is refused — at import with --type and at `certificate set`, with nothing assigned.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { s2s } from './hostile-deployment.ts';

const HOST = 'pool.contoso.com';
let dir: string;
let env: Record<string, string>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 's2s-hostile-ca-signer-'));
  env = { S2S_HOME: join(dir, 'home'), S2S_MASTER_KEY: randomBytes(32).toString('base64'), S2S_NODE: HOST };
  const init = await s2s(env, 'init', '--realm', 'contoso.com', '--host-name', HOST);
  assert.equal(init.code, 0, init.err);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the certificate and its key as PEM files; returns their paths. */
function files(name: string, cert: TestCertificate): { cert: string; key: string } {
  const paths = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  writeFileSync(paths.cert, cert.pem);
  writeFileSync(paths.key, cert.keyPem);
  return paths;
}

async function assignments(): Promise<unknown[]> {
  const r = await s2s(env, 'certificate', 'get', '--json');
  assert.equal(r.code, 0, r.err);
  return (JSON.parse(r.out) as { assignments?: unknown[] }).assignments ?? [];
}

function assertRefused(r: { code: number; err: string }, code: string, what: string): void {
  assert.equal(r.code, 5, `${what}: exit ${r.code} ${r.err}`);
  assert.match(r.err, new RegExp(`^error ${code}: `), `${what}: ${r.err}`);
}

const CERT_SIGN_ONLY = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;

describe('a CA certificate never signs tokens or serves TLS', () => {
  test('CA:TRUE with keyCertSign+cRLSign only, --type OAuthTokenIssuer: ERR_CERTIFICATE_IS_CA', async () => {
    const ca = await makeCertificate({
      subject: `CN=${HOST}`,
      dnsNames: ['contoso.com'],
      ca: true,
      keyUsages: CERT_SIGN_ONLY,
      freshKey: true,
    });
    const f = files('ca-signer', ca);
    const r = await s2s(
      env,
      'certificate',
      'import',
      '--path',
      f.cert,
      '--key-path',
      f.key,
      '--type',
      'OAuthTokenIssuer',
    );
    assertRefused(r, 'ERR_CERTIFICATE_IS_CA', 'import --type OAuthTokenIssuer');
    assert.deepEqual(await assignments(), []);
  });

  for (const usage of ['OAuthTokenIssuer', 'Default', 'WebServicesInternal', 'WebServicesExternal']) {
    test(`CA:TRUE with digitalSignature, certificate set --type ${usage}: ERR_CERTIFICATE_IS_CA`, async () => {
      const ca = await makeCertificate({ subject: `CN=${HOST}`, dnsNames: [HOST, 'contoso.com'], ca: true });
      const f = files(`ca-${usage}`, ca);
      const imported = await s2s(env, 'certificate', 'import', '--path', f.cert, '--key-path', f.key);
      assert.equal(imported.code, 0, imported.err);
      const identity = usage === 'OAuthTokenIssuer' ? 'global' : HOST;
      const r = await s2s(
        env,
        'certificate',
        'set',
        '--type',
        usage,
        '--thumbprint',
        ca.thumbprint,
        '--identity',
        identity,
      );
      assertRefused(r, 'ERR_CERTIFICATE_IS_CA', `set --type ${usage}`);
      assert.deepEqual(await assignments(), []);
    });
  }
});

describe('a token-signing certificate must allow digitalSignature', () => {
  test('an end entity limited to keyCertSign+cRLSign, --type OAuthTokenIssuer: ERR_CERTIFICATE_KEY_USAGE', async () => {
    const leaf = await makeCertificate({
      subject: `CN=${HOST}`,
      dnsNames: ['contoso.com'],
      keyUsages: CERT_SIGN_ONLY,
      freshKey: true,
    });
    const f = files('leaf-no-ds', leaf);
    const r = await s2s(
      env,
      'certificate',
      'import',
      '--path',
      f.cert,
      '--key-path',
      f.key,
      '--type',
      'OAuthTokenIssuer',
    );
    assertRefused(r, 'ERR_CERTIFICATE_KEY_USAGE', 'import --type OAuthTokenIssuer');
    assert.deepEqual(await assignments(), []);
  });

  test('an end entity with digitalSignature (what the test factories make) is assigned', async () => {
    const leaf = await makeCertificate({ subject: `CN=${HOST}`, dnsNames: ['contoso.com'] });
    const f = files('leaf-ok', leaf);
    const r = await s2s(
      env,
      'certificate',
      'import',
      '--path',
      f.cert,
      '--key-path',
      f.key,
      '--type',
      'OAuthTokenIssuer',
    );
    assert.equal(r.code, 0, r.err);
    assert.equal((await assignments()).length, 1);
  });
});
