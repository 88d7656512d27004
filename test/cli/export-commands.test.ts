/** `s2s ca export-root` and `s2s trusted-root export`: PEM a partner can add to its trusted roots. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';

let dir: string;

async function s2s(...argv: string[]) {
  const mem = memoryIo({ S2S_HOME: join(dir, 'home') });
  const code = await runCli(argv, cliEnvironment(mem.io));
  return { code, out: mem.out(), err: mem.err() };
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint.replace(/:/g, '');

describe('PEM exports', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-export-'));
    assert.equal((await s2s('init', '--realm', 'contoso.com')).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('before `ca init`, export-root says how to make the CA', async () => {
    const r = await s2s('ca', 'export-root');
    assert.equal(r.code, 3);
    assert.match(r.err, /^error ERR_CA_NOT_INITIALIZED: .* — fix: /);
  });

  test('ca export-root prints the root that `ca show` names; --output writes a new file and never overwrites', async () => {
    assert.equal(
      (await s2s('ca', 'init', '--intermediate', 'CN=Contoso Issuing CA', '--trust-for-tls')).code,
      0,
    );
    const shown = JSON.parse((await s2s('ca', 'show', '--json')).out) as { rootThumbprint: string };
    const r = await s2s('ca', 'export-root');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
    assert.equal(fingerprint(r.out), shown.rootThumbprint);
    assert.ok(new X509Certificate(r.out).ca);
    const path = join(dir, 'root.pem');
    assert.equal((await s2s('ca', 'export-root', '--output', path)).code, 0);
    assert.equal(readFileSync(path, 'utf8'), r.out);
    const again = await s2s('ca', 'export-root', '--output', path);
    assert.equal(again.code, 2);
    assert.match(again.err, /already exists/);
    const json = JSON.parse((await s2s('ca', 'export-root', '--json')).out) as {
      thumbprint: string;
      pem: string;
    };
    assert.deepEqual([json.thumbprint, json.pem], [shown.rootThumbprint, r.out]);
  });

  test('trusted-root export: the only root, or the one named; an unknown thumbprint lists the known ones', async () => {
    const roots = JSON.parse((await s2s('trusted-root', 'list', '--json')).out) as {
      roots: Array<{ thumbprint: string }>;
    };
    assert.equal(roots.roots.length, 1, 'ca init --trust-for-tls trusts its own root');
    const only = await s2s('trusted-root', 'export');
    assert.equal(only.code, 0, only.err);
    assert.equal(fingerprint(only.out), roots.roots[0]!.thumbprint);
    const named = await s2s(
      'trusted-root',
      'export',
      '--thumbprint',
      roots.roots[0]!.thumbprint.toLowerCase(),
    );
    assert.equal(named.out, only.out);
    const unknown = await s2s('trusted-root', 'export', '--thumbprint', 'AB'.repeat(20));
    assert.equal(unknown.code, 3);
    assert.match(unknown.err, new RegExp(`trusted: ${roots.roots[0]!.thumbprint}`));
  });
});
