/**
 * `s2s certificate policy set/get` and what `certificate get` shows of renewal (docs/renewal.md), through the
 * real CLI on a SQLite home: the policy stored and shown (never its enrollment password), bad input refused
 * with one line and nothing stored, the next action and its date per usage, the manual-policy warning, and a
 * partner whose only certificate lapses soon.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';
import { makeCertificate } from '../fixtures/certificates.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's --json output, asserted field by field
type CliJson = Record<string, any>;

const DAY = 86_400_000;
let home: string;

async function s2s(...argv: string[]) {
  const mem = memoryIo({ S2S_HOME: home, S2S_NODE: 'fe01.contoso.com' });
  const code = await runCli(argv, cliEnvironment(mem.io));
  const out = mem.out();
  return { code, out, err: mem.err(), json: () => JSON.parse(out) as CliJson };
}

function file(name: string, text: string): string {
  const path = join(home, '..', name);
  writeFileSync(path, text);
  return path;
}

describe('certificate policy set/get and renewal in certificate get', () => {
  let oauthNotAfter: Date;

  before(async () => {
    home = join(mkdtempSync(join(tmpdir(), 's2s-policy-cli-')), 'home');
    assert.equal((await s2s('init', '--realm', 'contoso.com')).code, 0);
    oauthNotAfter = new Date(Math.floor((Date.now() + 20 * DAY) / 1000) * 1000);
    const oauth = await makeCertificate({
      subject: 'CN=s2s.contoso.com',
      dnsNames: ['s2s.contoso.com'],
      notAfter: oauthNotAfter,
    });
    const cert = file('oauth.pem', oauth.pem + oauth.keyPem);
    assert.equal((await s2s('certificate', 'import', '--path', cert, '--type', 'OAuthTokenIssuer')).code, 0);
    const web = await makeCertificate({
      subject: 'CN=fe01.contoso.com',
      notAfter: new Date(Date.now() + 5 * DAY),
    });
    assert.equal(
      (
        await s2s(
          'certificate',
          'import',
          '--path',
          file('web.pem', web.pem + web.keyPem),
          '--type',
          'Default',
        )
      ).code,
      0,
    );
  });
  after(() => rmSync(join(home, '..'), { recursive: true, force: true }));

  test('no policy: get says so, certificate get is unchanged', async () => {
    const get = await s2s('certificate', 'policy', 'get', '--json');
    assert.equal(get.code, 0, get.err);
    assert.deepEqual(get.json().policies, []);
    assert.match(
      (await s2s('certificate', 'policy', 'get')).out,
      /no renewal policy: certificates are renewed by hand/,
    );
    const view = (await s2s('certificate', 'get', '--type', 'OAuthTokenIssuer', '--json')).json();
    assert.equal(view.assignments[0].NextAction, undefined);
  });

  test('set stores the policy; get shows it with durations as typed and never the password', async () => {
    const set = await s2s(
      'certificate',
      'policy',
      'set',
      '--type',
      'oauthtokenissuer',
      '--ca',
      'internal',
      '--renew-before',
      '10d',
      '--roll-lead',
      '48h',
      '--json',
    );
    assert.equal(set.code, 0, set.err);
    assert.equal(set.json().policy.usage, 'OAuthTokenIssuer');
    assert.equal(set.json().policy.renewBeforeSeconds, 864_000);
    const secret = 'enrollment secret 42';
    const enroll = await s2s(
      'certificate',
      'policy',
      'set',
      '--type',
      'WebServicesInternal',
      '--ca',
      'https://ca.contoso.com:8443',
      '--ca-account',
      'enroller',
      '--ca-password-file',
      file('pw', `${secret}\n`),
    );
    assert.equal(enroll.code, 0, enroll.err);
    const shown = await s2s('certificate', 'policy', 'get');
    assert.match(shown.out, /RenewBefore\s*:\s*10d/);
    assert.match(shown.out, /RollLead\s*:\s*2d/);
    assert.match(shown.out, /CaPasswordStored\s*:\s*True|CaPasswordStored\s*:\s*true/i);
    const json = (await s2s('certificate', 'policy', 'get', '--json')).out;
    assert.ok(!json.includes(secret) && !shown.out.includes(secret), 'the password is never printed');
    assert.equal(
      (await s2s('certificate', 'policy', 'get', '--type', 'WebServicesInternal', '--json')).json().policies
        .length,
      1,
    );
  });

  test('bad input: one line, non-zero exit, nothing stored', async () => {
    const refusals: Array<[string[], string]> = [
      [
        ['--type', 'OAuthTokenIssuer', '--ca', 'internal', '--renew-before', '1h', '--roll-lead', '2h'],
        'ERR_CERTIFICATE_RENEWAL_POLICY_INVALID',
      ],
      [['--type', 'XMPPServer', '--ca', 'internal'], 'ERR_CERTIFICATE_RENEWAL_POLICY_INVALID'],
      [
        ['--type', 'OAuthTokenIssuer', '--ca', 'http://ca.contoso.com'],
        'ERR_CERTIFICATE_RENEWAL_POLICY_INVALID',
      ],
      [['--type', 'OAuthTokenIssuer', '--ca', 'internal', '--renew-before', 'soon'], 'ERR_INVALID_INPUT'],
      [['--type', 'OAuthTokenIssuer'], 'ERR_USAGE'],
    ];
    for (const [args, code] of refusals) {
      const r = await s2s('certificate', 'policy', 'set', ...args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.err, new RegExp(`^error ${code}: `), r.err);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
    const policy = (await s2s('certificate', 'policy', 'get', '--type', 'OAuthTokenIssuer', '--json')).json()
      .policies[0];
    assert.equal(policy.renewBeforeSeconds, 864_000, 'unchanged');
    assert.equal(policy.ca, 'internal');
  });

  test('certificate get shows the next action and its date; manual warns in the window', async () => {
    const view = (await s2s('certificate', 'get', '--type', 'OAuthTokenIssuer', '--json')).json();
    const a = view.assignments[0];
    assert.equal(a.RenewalSource, 'internal');
    assert.equal(a.NextAction, 'renew');
    assert.equal(a.NextActionDate, new Date(oauthNotAfter.getTime() - 10 * DAY).toISOString());
    assert.equal(a.RenewalFailures, 0);
    assert.match(
      (await s2s('certificate', 'get', '--type', 'OAuthTokenIssuer')).out,
      /NextAction\s*:\s*renew/,
    );
    assert.equal((await s2s('certificate', 'policy', 'set', '--type', 'Default', '--ca', 'manual')).code, 0);
    const manual = await s2s('certificate', 'get', '--type', 'Default', '--json');
    assert.equal(manual.json().assignments[0].NextAction, 'renew-manually');
    const codes = (manual.json().warnings as Array<{ code: string }>).map((w) => w.code);
    assert.ok(codes.includes('WARN_CERTIFICATE_RENEWAL_MANUAL'), codes.join());
    const human = await s2s('certificate', 'get', '--type', 'Default');
    assert.match(human.err, /warning WARN_CERTIFICATE_RENEWAL_MANUAL: /);
  });

  test('a partner whose only signing certificate expires within 30 days is reported', async () => {
    const partnerCert = await makeCertificate({
      subject: 'CN=exchange.litwareinc.com',
      notAfter: new Date(Date.now() + 10 * DAY),
    });
    const created = await s2s(
      'partner',
      'new',
      '--identity',
      'microsoft.exchange',
      '--trust-level',
      'Full',
      '--application-identifier',
      '00000002-0000-0ff1-ce00-000000000000',
      '--realm',
      'litwareinc.com',
      '--certificate-file',
      file('exchange.cer', partnerCert.pem),
    );
    assert.equal(created.code, 0, created.err);
    const get = await s2s('certificate', 'get', '--json');
    assert.match(
      (await s2s('certificate', 'get')).err,
      /warning WARN_PARTNER_CERTIFICATE_EXPIRES_SOON: partner microsoft\.exchange/,
    );
    const soon = get.json().partnersExpiringSoon as Array<{ partner: string; daysToExpiry: number }>;
    assert.equal(soon.length, 1);
    assert.equal(soon[0]!.partner, 'microsoft.exchange');
    assert.ok(soon[0]!.daysToExpiry > 9 && soon[0]!.daysToExpiry <= 10);
  });

  test('--help has examples', async () => {
    for (const verb of ['set', 'get']) {
      const help = await s2s('certificate', 'policy', verb, '--help');
      assert.match(help.out, /Example/);
      assert.match(help.out, /s2s certificate policy /);
    }
  });
});
