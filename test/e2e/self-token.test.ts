/**
 * `self` names this deployment: `s2s token new --partner self` issues the self-issued form pool peers
 * accept (our own service name and realm), `s2s token test` accepts it, and no partner may take the name.
 * Driven through the real CLI on a SQLite store, as an administrator types it (README tour §1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/adapters/cli/run-cli.ts';
import { memoryIo } from '../../src/adapters/cli/cli-io.ts';
import { cliEnvironment } from '../../src/main/cli.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { writeFileSync } from 'node:fs';

test('token new --partner self → token test accepts it; a partner named self is refused', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 's2s-self-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const env = { S2S_HOME: home, S2S_NODE: 'fe01.contoso.com' };
  const run = async (argv: string[], stdin = '') => {
    const io = memoryIo(env, stdin);
    const code = await runCli(argv, cliEnvironment(io.io));
    return { code, out: io.out(), err: io.err() };
  };
  assert.equal((await run(['init', '--realm', 'contoso.com', '--host-name', 'pool.contoso.com'])).code, 0);
  const cert = await makeCertificate({
    subject: 'CN=pool.contoso.com',
    dnsNames: ['pool.contoso.com', 'contoso.com'],
  });
  writeFileSync(join(home, 'c.pem'), cert.pem);
  writeFileSync(join(home, 'k.pem'), cert.keyPem);
  const imported = await run([
    'certificate',
    'import',
    '--path',
    join(home, 'c.pem'),
    '--key-path',
    join(home, 'k.pem'),
    '--type',
    'OAuthTokenIssuer',
  ]);
  assert.equal(imported.code, 0, imported.err);

  const issued = await run([
    'token',
    'new',
    '--partner',
    'self',
    '--host',
    'pool.contoso.com',
    '--user',
    'sip:demo@contoso.com',
  ]);
  assert.equal(issued.code, 0, issued.err);
  const token = issued.out.trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.$/, 'an unsigned outer act-as token wrapping the signed actor');

  const accepted = await run(
    ['token', 'test', '-', '--url', 'https://pool.contoso.com/storage/v1', '--json'],
    token,
  );
  assert.equal(accepted.code, 0, accepted.out);
  const verdict = JSON.parse(accepted.out) as { ok: boolean; accepted?: boolean };
  assert.equal(verdict.ok, true);
  assert.ok(!accepted.out.includes(token), 'the explanation never prints the token');

  const wrongHost = await run(['token', 'test', '-', '--url', 'https://elsewhere.contoso.com/'], token);
  assert.equal(wrongHost.code, 5);

  const reserved = await run([
    'partner',
    'new',
    '--identity',
    'self',
    '--trust-level',
    'Full',
    '--metadata-url',
    'https://x.contoso.com/metadata/json/1',
  ]);
  assert.notEqual(reserved.code, 0);
  assert.match(reserved.err, /^error ERR_PARTNER_IDENTITY_INVALID: partner identity "self" is reserved/);
});
