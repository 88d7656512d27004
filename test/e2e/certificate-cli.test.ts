import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { opensslPfx, opensslPfxInfo, opensslThumbprint } from '../fixtures/pfx.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's --json output, asserted field by field
type CliJson = Record<string, any>;

const PASSWORD = 'cli-pfx-password';
let home: string;
let oauthCert: TestCertificate;
let weak: TestCertificate;

async function s2s(...argv: string[]) {
  const mem = memoryIo({ S2S_HOME: home, PFX_PASS: PASSWORD, S2S_NODE: 'fe01.contoso.com' });
  const code = await runCli(argv, cliEnvironment(mem.io));
  const out = mem.out();
  return { code, out, err: mem.err(), json: () => JSON.parse(out) as CliJson };
}

function file(name: string, bytes: Buffer | string): string {
  const path = join(home, '..', name);
  writeFileSync(path, bytes);
  return path;
}

describe('s2s init, oauth and certificate commands (SQLite store)', () => {
  before(async () => {
    home = join(mkdtempSync(join(tmpdir(), 's2s-cert-cli-')), 'home');
    oauthCert = await makeCertificate({ subject: 'CN=s2s.contoso.com', dnsNames: ['s2s.contoso.com'] });
    weak = await makeCertificate({ subject: 'CN=weak.contoso.com', keySize: 1024 });
  });
  after(() => rmSync(join(home, '..'), { recursive: true, force: true }));

  test('init creates S2S_HOME (0700), master.key (0600) and the OAuth configuration; twice is refused', async () => {
    const r = await s2s('init', '--realm', 'contoso.com', '--host-name', 's2s.contoso.com', '--json');
    assert.equal(r.code, 0, r.err + r.out);
    assert.equal(r.json().oauth.realm, 'contoso.com');
    assert.equal(r.json().oauth.serviceName, '00000004-0000-0ff1-ce00-000000000000');
    assert.equal(statSync(home).mode & 0o777, 0o700);
    assert.equal(statSync(join(home, 'master.key')).mode & 0o777, 0o600);
    const again = await s2s('init', '--realm', 'contoso.com');
    assert.equal(again.code, 4);
    assert.match(again.err, /^error ERR_ALREADY_INITIALIZED: /);
    assert.equal(again.err.trim().split('\n').length, 1);
    assert.equal((await s2s('init', '--realm', 'contoso.com', '--force')).code, 0);
  });

  test('oauth set accepts durations; oauth get shows them', async () => {
    const set = await s2s(
      'oauth',
      'set',
      '--token-lifetime',
      '8h',
      '--outer-token-lifetime',
      '30m',
      '--clock-skew',
      '90',
      '--sha1-policy',
      'error',
      '--json',
    );
    assert.equal(set.code, 0, set.out + set.err);
    const got = (await s2s('oauth', 'get', '--json')).json().oauth;
    assert.equal(got.actorTokenLifetimeSeconds, 8 * 3600);
    assert.equal(got.outerTokenLifetimeSeconds, 1800);
    assert.equal(got.clockSkewSeconds, 90);
    assert.equal((await s2s('oauth', 'set', '--clock-skew', '5x')).code, 2);
    assert.equal((await s2s('oauth', 'set', '--sha1-policy', 'warn')).code, 0);
  });

  test("import --type OAuthTokenIssuer, then get prints openssl's thumbprint", async () => {
    const pfx = file('oauth.pfx', opensslPfx(oauthCert, { password: PASSWORD }));
    const r = await s2s(
      'certificate',
      'import',
      '--path',
      pfx,
      '--password-env',
      'PFX_PASS',
      '--type',
      'OAuthTokenIssuer',
      '--exportable',
      '--json',
    );
    assert.equal(r.code, 0, r.out + r.err);
    const got = await s2s('certificate', 'get', '--type', 'OAuthTokenIssuer', '--json');
    const view = got.json().assignments[0];
    assert.equal(view.Thumbprint, opensslThumbprint(oauthCert.der));
    assert.equal(view.Use, 'OAuthTokenIssuer');
    const human = await s2s('certificate', 'get');
    assert.match(human.out, new RegExp(`Thumbprint\\s+: ${oauthCert.thumbprint}`));
  });

  test('rules surface as one-line errors with their codes and exit codes', async () => {
    const weakPfx = file('weak.pfx', opensslPfx(weak, { password: PASSWORD }));
    const r = await s2s(
      'certificate',
      'import',
      '--path',
      weakPfx,
      '--password-env',
      'PFX_PASS',
      '--type',
      'OAuthTokenIssuer',
    );
    assert.equal(r.code, 5);
    assert.match(r.err, /^error ERR_CERTIFICATE_KEY_TOO_SMALL: .*1024-bit/);
    const wrong = await s2s(
      'certificate',
      'import',
      '--path',
      weakPfx,
      '--password-file',
      file('wrong.txt', 'nope\n'),
    );
    assert.match(wrong.err, /^error ERR_CERTIFICATE_PASSWORD_WRONG: /);
    assert.ok(!wrong.err.includes('nope'));
    const unknown = await s2s(
      'certificate',
      'set',
      '--type',
      'Default',
      '--thumbprint',
      'AB'.repeat(20),
      '--json',
    );
    assert.equal(unknown.code, 3);
    assert.equal(unknown.json().error.code, 'ERR_CERTIFICATE_NOT_FOUND');
    const roll = await s2s(
      'certificate',
      'set',
      '--type',
      'Default',
      '--thumbprint',
      oauthCert.thumbprint,
      '--roll',
    );
    assert.match(roll.err, /ERR_CERTIFICATE_ROLL_DATE_REQUIRED/);
  });

  test('export writes a PFX openssl opens; delete is refused while assigned', async () => {
    const out = join(home, '..', 'exported.pfx');
    const r = await s2s(
      'certificate',
      'export',
      '--thumbprint',
      oauthCert.thumbprint,
      '--path',
      out,
      '--password-env',
      'PFX_PASS',
    );
    assert.equal(r.code, 0, r.err);
    assert.ok(opensslPfxInfo(readFileSync(out), PASSWORD).ok);
    const del = await s2s('certificate', 'delete', '--thumbprint', oauthCert.thumbprint);
    assert.match(del.err, /^error ERR_CERTIFICATE_IN_USE: /);
    assert.equal(
      (await s2s('certificate', 'list', '--json')).json().certificates.length,
      1,
      'refused imports stored nothing',
    );
  });

  test('every certificate verb has --help with an example', async () => {
    for (const verb of ['import', 'get', 'set', 'remove', 'list', 'export', 'delete']) {
      const r = await s2s('certificate', verb, '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, /Example/);
    }
    for (const argv of [
      ['init', '--help'],
      ['oauth', 'get', '--help'],
      ['oauth', 'set', '--help'],
    ])
      assert.match((await s2s(...argv)).out, /Example/);
  });
});
