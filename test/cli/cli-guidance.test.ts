/**
 * The CLI guides (README "Command reference"): each friction point an operator met has a snapshot of the
 * exact line the CLI now prints. Paths and thumbprints are replaced by placeholders before comparing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { loopbackCertificate } from '../hostile/loopback-certificate.ts';

let dir: string;

async function s2s(...argv: string[]) {
  const mem = memoryIo({ S2S_HOME: join(dir, 'home'), S2S_NODE: 'fe01.contoso.com' });
  const code = await runCli(argv, cliEnvironment(mem.io));
  const scrub = (s: string) => s.replaceAll(dir, '<dir>').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
  return { code, out: scrub(mem.out()), err: scrub(mem.err()) };
}

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('CLI guidance: the messages an operator sees', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-cli-guidance-'));
    const r = await s2s('init', '--realm', 'contoso.com', '--host-name', 's2s.contoso.com');
    assert.equal(r.code, 0, r.err);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('`s2s` alone prints the overview and exits 0; a noun alone prints its verbs', async () => {
    const r = await s2s();
    assert.equal(r.code, 0);
    assert.match(r.out, /^Usage: s2s \[options\] \[command\]/);
    assert.equal(r.err, '');
    const noun = await s2s('partner');
    assert.equal(noun.code, 0);
    assert.doesNotMatch(noun.err + noun.out, /error|outputHelp/);
  });

  test('--version prints the version of package.json', async () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    const r = await s2s('--version');
    assert.deepEqual([r.code, r.out], [0, `${version}\n`]);
  });

  test('a mistyped command, option or --type value: did you mean …, and the --help to run', async () => {
    assert.deepEqual(await s2s('partnr'), {
      code: 2,
      out: '',
      err: "error ERR_USAGE: unknown command 'partnr' (did you mean partner?) — fix: run `s2s partner --help` for the usage and an example\n",
    });
    assert.equal(
      (await s2s('partner', 'nwe')).err,
      "error ERR_USAGE: unknown command 'nwe' (did you mean new?) — fix: run `s2s partner new --help` for the usage and an example\n",
    );
    assert.equal(
      (await s2s('certificate', 'import', '--path', 'x.pfx', '--typ', 'OAuthTokenIssuer')).err,
      "error ERR_USAGE: unknown option '--typ' (did you mean --type?) — fix: run `s2s certificate import --help` for the usage and an example\n",
    );
    const type = await s2s('certificate', 'get', '--type', 'OAuthTokenIsuer');
    assert.equal(type.code, 2);
    assert.equal(
      type.err,
      'error ERR_CERTIFICATE_USAGE_UNKNOWN: unknown certificate type "OAuthTokenIsuer" (did you mean OAuthTokenIssuer?) — fix: Use Default, WebServicesInternal, WebServicesExternal, OAuthTokenIssuer (or another Skype type name).\n',
    );
    const level = await s2s(
      'partner',
      'new',
      '--identity',
      'x',
      '--trust-level',
      'Ful',
      '--metadata-url',
      'https://x/',
    );
    assert.match(
      level.err,
      /^error ERR_PARTNER_TRUST_LEVEL_INVALID: trust level "Ful" is not Full, Application or User \(did you mean Full\?\) — fix: /,
    );
  });

  test('--password is refused without echoing it, pointing to --password-file', async () => {
    const r = await s2s('certificate', 'import', '--path', 'x.pfx', '--password', 'S3cret!value');
    assert.equal(r.code, 2);
    assert.equal(
      r.err,
      'error ERR_USAGE: --password is not accepted: a password on the command line is visible to other users (ps, shell history) — fix: pass it in a file: --password-file <file> (- reads standard input), or --password-env <VARIABLE>\n',
    );
    assert.doesNotMatch(r.err + r.out, /S3cret/);
    const json = await s2s('certificate', 'import', '--password=S3cret!value', '--json');
    assert.equal(
      (JSON.parse(json.out) as { error: { fix: string } }).error.fix.includes('--password-file'),
      true,
    );
  });

  test('a plain-http metadata URL: the refusal names --allow-insecure-http', async () => {
    const r = await s2s(
      'partner',
      'new',
      '--identity',
      'lab',
      '--metadata-url',
      'http://127.0.0.1:9/metadata/json/1',
    );
    assert.equal(r.code, 5);
    assert.equal(
      r.err,
      'error ERR_METADATA_INSECURE_URL: http://127.0.0.1:<port>/metadata/json/1 uses plain http (reached from http://127.0.0.1:<port>/metadata/json/1) and insecure http is not allowed for this partner — fix: Use https; only on test hosts pass --allow-insecure-http for that partner.\n',
    );
  });

  test('an untrusted partner TLS root: the refusal names `s2s trusted-root add`', async (t) => {
    const ca = await makeCertificate({ subject: 'CN=Partner Root', ca: true });
    const tls = await loopbackCertificate(ca);
    const server: Server = createServer({ cert: tls.pem, key: tls.keyPem }, (_q, res) => res.end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => server.close(r)));
    const port = (server.address() as { port: number }).port;
    const r = await s2s(
      'partner',
      'new',
      '--identity',
      'lab',
      '--metadata-url',
      `https://127.0.0.1:${port}/metadata/json/1`,
    );
    assert.equal(r.code, 5);
    assert.match(
      r.err,
      /^error ERR_METADATA_TLS_UNTRUSTED: the TLS certificate of 127\.0\.0\.1:<port> is not trusted \([A-Z_]+\) — fix: Add the issuing root CA with `s2s trusted-root add`/,
    );
    assert.equal(r.err.split('\n').length, 2, 'one line');
  });

  test('metadata show with no signing certificate warns that "keys" is empty', async () => {
    const r = await s2s('metadata', 'show');
    assert.equal(r.code, 0);
    assert.equal(
      r.err,
      'warning WARN_METADATA_NO_KEYS: the document publishes no signing key: no OAuthTokenIssuer certificate is assigned\n',
    );
    assert.deepEqual((JSON.parse(r.out) as { keys: unknown[] }).keys, []);
  });

  test('a roll with no current certificate says so, without "old certificate" wording', async () => {
    const cert = await makeCertificate({ subject: 'CN=contoso.com', dnsNames: ['contoso.com'] });
    const when = new Date(Date.now() + 3600_000).toISOString();
    const r = await s2s(
      'certificate',
      'import',
      '--path',
      file('issuer.pem', cert.pem + cert.keyPem),
      '--type',
      'OAuthTokenIssuer',
      '--roll',
      '--effective-date',
      when,
    );
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.err,
      new RegExp(
        `^warning WARN_CERTIFICATE_ROLL_WITHOUT_CURRENT: no certificate is assigned to OAuthTokenIssuer yet, so none serves it until the roll takes effect \\(${when.replace(/[.]/g, '\\.')}\\)$`,
        'm',
      ),
    );
    assert.doesNotMatch(r.err, /old certificate/);
  });

  test("a TLS certificate whose SANs miss the deployment's host names is flagged", async () => {
    const cert = await makeCertificate({ subject: 'CN=fe01', dnsNames: ['fe01'] });
    const r = await s2s(
      'certificate',
      'import',
      '--path',
      file('web.pem', cert.pem + cert.keyPem),
      '--type',
      'WebServicesInternal',
    );
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.err,
      /^warning WARN_CERTIFICATE_NAMES_NOT_COVERED: the WebServicesInternal certificate's DNS names \(fe01\) do not cover s2s\.contoso\.com: TLS clients will refuse it for that name$/m,
    );
  });
});
