/**
 * README section 4, offline request answered by OpenSSL 3: without `-copy_extensions copy` the response
 * lacks the request's names and key usage, and the import says so; with it, no such warning.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';

let dir: string;

async function s2s(...argv: string[]) {
  const mem = memoryIo({ S2S_HOME: join(dir, 'home'), S2S_NODE: 'fe01.litwareinc.com' });
  const code = await runCli(argv, cliEnvironment(mem.io));
  return { code, out: mem.out(), err: mem.err() };
}

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 's2s-offline-'));
  assert.equal(
    (await s2s('init', '--realm', 'litwareinc.com', '--host-name', 'pool.litwareinc.com')).code,
    0,
  );
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=Litware Test Root',
  );
  openssl('x509', '-in', 'ca.pem', '-noout'); // sanity: the CA exists
  assert.equal((await s2s('trusted-root', 'add', '--path', join(dir, 'ca.pem'))).code, 0);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function requestAndSign(name: string, copyExtensions: boolean) {
  const request = join(dir, `${name}.req.pem`);
  const made = await s2s(
    'certificate',
    'request',
    '--type',
    'WebServicesInternal',
    '--output',
    request,
    '--yes',
  );
  assert.equal(made.code, 0, made.err);
  const response = join(dir, `${name}.cer.pem`);
  openssl(
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-days',
    '30',
    '-out',
    response,
    ...(copyExtensions ? ['-copy_extensions', 'copy'] : []),
  );
  return s2s('certificate', 'import', '--path', response);
}

test('a response that lost the request extensions is flagged at import', async () => {
  const r = await requestAndSign('dropped', false);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.err,
    /^warning WARN_CA_RESPONSE_EXTENSIONS_DROPPED: the issued certificate lacks the DNS names pool\.litwareinc\.com, fe01\.litwareinc\.com, lyncdiscoverinternal\.litwareinc\.com that request \d+ asked for: the CA dropped the request's extensions$/m,
  );
});

test('with -copy_extensions copy the response keeps them: no warning', async () => {
  const r = await requestAndSign('kept', true);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.err, /WARN_CA_RESPONSE_EXTENSIONS_DROPPED|WARN_CERTIFICATE_NAMES_NOT_COVERED/);
});
