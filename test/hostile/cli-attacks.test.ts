/**
 * The CLI as a hostile newcomer drives it: every command with a mandatory flag or argument run without it
 * (exit 2, one line `error ERR_…: …` on stderr, nothing on stdout; with --json one JSON document on stdout),
 * garbage flag values, no stack traces, and a store left exactly as it was after any refused command.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/adapters/cli/run-cli.ts';
import { memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';
import { openStore } from '../../src/main/open-store.ts';
import { s2s } from './hostile-deployment.ts';

let dir: string;
let env: Record<string, string>;

const ONE_LINE_ERROR = /^error ERR_[A-Z0-9_]+: [^\n]+\n$/;
/** Usage errors carry their `--help` hint inside the one error line; nothing else may precede it. */
const withoutHint = (err: string): string => err;
const STACK = /\n\s+at .+:\d+:\d+\)?/;

/** Every leaf command as argv words, with its mandatory options and required arguments. */
function leafCommands(): Array<{ words: string[]; mandatory: string[]; requiredArgs: number }> {
  const program = buildProgram(cliEnvironment(memoryIo({}).io));
  const out: Array<{ words: string[]; mandatory: string[]; requiredArgs: number }> = [];
  const walk = (cmd: Command, words: string[]) => {
    if (cmd.commands.length === 0) {
      out.push({
        words,
        mandatory: cmd.options.filter((o) => o.mandatory).map((o) => o.long ?? ''),
        requiredArgs: cmd.registeredArguments.filter((a) => a.required).length,
      });
    }
    for (const sub of cmd.commands) walk(sub, [...words, sub.name()]);
  };
  walk(program, []);
  return out;
}

/** Every document of the store with its version, as a comparable string. */
async function storeState(): Promise<string> {
  const store = await openStore(join(env.S2S_HOME!, 's2s.db'));
  try {
    // Every document but the audit log, which records refused attempts too by design (docs/admin.md
    // "The audit log"); its entry moves the head version, so the version is not compared either.
    const snap = await store.snapshot();
    return JSON.stringify(snap.documents.filter((d) => d.kind !== 'audit'));
  } finally {
    await store.close();
  }
}

function assertUsageFailure(r: { code: number; out: string; err: string }, what: string): void {
  assert.equal(r.code, 2, `${what}: exit ${r.code} ${r.err}`);
  assert.match(withoutHint(r.err), ONE_LINE_ERROR, `${what}: stderr ${JSON.stringify(r.err)}`);
  assert.equal(r.out, '', `${what}: stdout not empty`);
}

function assertJsonFailure(r: { code: number; out: string; err: string }, what: string, code: string): void {
  assert.notEqual(r.code, 0, what);
  let doc: { ok?: boolean; error?: { code?: string; message?: string } };
  try {
    doc = JSON.parse(r.out);
  } catch {
    assert.fail(`${what}: --json stdout is not one JSON document: ${JSON.stringify(r.out.slice(0, 200))}`);
  }
  assert.equal(doc.ok, false, what);
  assert.equal(doc.error?.code, code, what);
  assert.ok(!STACK.test(r.out + r.err), `${what}: stack trace`);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 's2s-hostile-cli-'));
  env = {
    S2S_HOME: join(dir, 'home'),
    S2S_MASTER_KEY: randomBytes(32).toString('base64'),
    S2S_NODE: 'fe01.contoso.com',
  };
  assert.equal((await s2s(env, 'init', '--realm', 'contoso.com', '--host-name', 'pool.contoso.com')).code, 0);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('missing mandatory flags and arguments', () => {
  const commands = leafCommands().filter((c) => c.mandatory.length > 0 || c.requiredArgs > 0);
  test('the walk finds the commands with mandatory input', () => {
    assert.ok(commands.length >= 8, commands.map((c) => c.words.join(' ')).join(', '));
  });
  for (const c of commands) {
    const name = c.words.join(' ');
    test(`${name} without its mandatory input: exit 2, one line; --json: one JSON document`, async () => {
      const before = await storeState();
      assertUsageFailure(await s2s(env, ...c.words), name);
      assertJsonFailure(await s2s(env, ...c.words, '--json'), `${name} --json`, 'ERR_USAGE');
      assert.equal(await storeState(), before, `${name} changed the store`);
    });
  }
});

test('a usage error is exactly ONE line on stderr (no separate "(run with --help for usage)" line)', async () => {
  for (const argv of [['init'], ['partner', 'new'], ['no-such-command'], ['certificate', 'get', '--bogus']]) {
    const r = await s2s(env, ...argv);
    assert.match(r.err, ONE_LINE_ERROR, JSON.stringify(r.err));
  }
});

describe('hostile flag values', () => {
  const cases: string[][] = [
    ['init', '--realm', ''],
    ['oauth', 'set', '--clock-skew', '-5'],
    ['oauth', 'set', '--clock-skew', '1e99'],
    ['oauth', 'set', '--token-lifetime', '0'],
    ['oauth', 'set', '--token-lifetime', 'NaN'],
    ['oauth', 'set', '--realm', 'contoso.com"\r\nx'],
    ['oauth', 'set', '--service-name', 'a@b'],
    ['partner', 'new', '--identity', 'x'],
    [
      'partner',
      'new',
      '--identity',
      '../../etc/passwd',
      '--application-identifier',
      'a',
      '--realm',
      'r',
      '--certificate-file',
      '/nonexistent',
    ],
    [
      'partner',
      'new',
      '--identity',
      'p1',
      '--metadata-url',
      'https://user:secret@127.0.0.1:1/metadata/json/1',
    ],
    ['partner', 'new', '--identity', 'p2', '--metadata-url', 'http://127.0.0.1:1/metadata/json/1'],
    ['partner', 'new', '--identity', 'p3', '--metadata-url', 'file:///etc/passwd'],
    ['partner', 'new', '--identity', 'p4', '--trust-level', 'Root', '--metadata-url', 'https://127.0.0.1:1/'],
    ['partner', 'set', '--identity', 'nobody', '--enabled', 'maybe'],
    ['partner', 'remove', '--identity', 'nobody'],
    ['certificate', 'set', '--type', 'OAuthTokenIssuer', '--thumbprint', 'ZZ'],
    ['certificate', 'set', '--type', 'OAuthTokenIssuer', '--thumbprint', 'A'.repeat(40), '--roll'],
    ['certificate', 'set', '--type', 'NoSuchUsage', '--thumbprint', 'A'.repeat(40)],
    [
      'certificate',
      'set',
      '--type',
      'OAuthTokenIssuer',
      '--thumbprint',
      'A'.repeat(40),
      '--roll',
      '--effective-date',
      'yesterday',
    ],
    ['certificate', 'delete', '--thumbprint', 'A'.repeat(40)],
    ['certificate', 'import', '--path', '/dev/null'],
    ['certificate', 'import', '--path', '/nonexistent.pfx', '--password-env', 'NOPE_NOT_SET'],
    ['token', 'test', 'a.b.c', '--url', 'not a url'],
    ['token', 'new', '--partner', 'nobody', '--host', 'x'],
    ['user', 'add', '--sip', 'not-a-sip-uri'],
    ['user', 'remove', '--sip', 'sip:nobody@contoso.com'],
    ['no-such-command'],
    ['certificate', 'get', '--no-such-flag'],
  ];
  // The refusal each hostile value gets (docs/errors.md); a case missing here fails.
  const expected = new Map<string, string>([
    ['init --realm ', 'ERR_ALREADY_INITIALIZED'],
    ['oauth set --clock-skew -5', 'ERR_INVALID_INPUT'],
    ['oauth set --clock-skew 1e99', 'ERR_INVALID_INPUT'],
    ['oauth set --token-lifetime 0', 'ERR_INVALID_INPUT'],
    ['oauth set --token-lifetime NaN', 'ERR_INVALID_INPUT'],
    ['oauth set --realm contoso.com"\r\nx', 'ERR_INVALID_INPUT'],
    ['oauth set --service-name a@b', 'ERR_INVALID_INPUT'],
    ['partner new --identity x', 'ERR_PARTNER_SOURCE_INVALID'],
    [
      'partner new --identity ../../etc/passwd --application-identifier a --realm r --certificate-file /nonexistent',
      'ERR_USAGE',
    ],
    [
      'partner new --identity p1 --metadata-url https://user:secret@127.0.0.1:1/metadata/json/1',
      'ERR_METADATA_URL_INVALID',
    ],
    [
      'partner new --identity p2 --metadata-url http://127.0.0.1:1/metadata/json/1',
      'ERR_METADATA_INSECURE_URL',
    ],
    ['partner new --identity p3 --metadata-url file:///etc/passwd', 'ERR_METADATA_URL_INVALID'],
    [
      'partner new --identity p4 --trust-level Root --metadata-url https://127.0.0.1:1/',
      'ERR_PARTNER_TRUST_LEVEL_INVALID',
    ],
    ['partner set --identity nobody --enabled maybe', 'ERR_USAGE'],
    ['partner remove --identity nobody', 'ERR_PARTNER_NOT_FOUND'],
    ['certificate set --type OAuthTokenIssuer --thumbprint ZZ', 'ERR_INVALID_INPUT'],
    [
      `certificate set --type OAuthTokenIssuer --thumbprint ${'A'.repeat(40)} --roll`,
      'ERR_CERTIFICATE_ROLL_DATE_REQUIRED',
    ],
    [`certificate set --type NoSuchUsage --thumbprint ${'A'.repeat(40)}`, 'ERR_CERTIFICATE_USAGE_UNKNOWN'],
    [
      `certificate set --type OAuthTokenIssuer --thumbprint ${'A'.repeat(40)} --roll --effective-date yesterday`,
      'ERR_INVALID_INPUT',
    ],
    [`certificate delete --thumbprint ${'A'.repeat(40)}`, 'ERR_CERTIFICATE_NOT_FOUND'],
    ['certificate import --path /dev/null', 'ERR_CERTIFICATE_FILE_UNRECOGNIZED'],
    [
      'certificate import --path /nonexistent.pfx --password-env NOPE_NOT_SET',
      'ERR_CERTIFICATE_FILE_NOT_FOUND',
    ],
    ['token test a.b.c --url not a url', 'ERR_TOKEN_ON_COMMAND_LINE'],
    ['token test --token-file /dev/null --url https://pool.contoso.com/', 'ERR_TOKEN_MISSING'],
    ['token new --partner nobody --host x', 'ERR_TOKEN_PARTNER_NOT_FOUND'],
    ['user add --sip not-a-sip-uri', 'ERR_USAGE'],
    ['user remove --sip sip:nobody@contoso.com', 'ERR_USER_UNKNOWN'],
    ['no-such-command', 'ERR_USAGE'],
    ['certificate get --no-such-flag', 'ERR_USAGE'],
  ]);
  for (const argv of cases) {
    test(`s2s ${argv.join(' ').slice(0, 90)}: refused with one line, JSON with --json, store untouched`, async () => {
      const before = await storeState();
      const r = await s2s(env, ...argv);
      assert.notEqual(r.code, 0, r.out);
      assert.ok(r.code >= 2 && r.code <= 6, `exit ${r.code}: ${r.err}`);
      assert.match(withoutHint(r.err), ONE_LINE_ERROR, JSON.stringify(r.err));
      assert.ok(!STACK.test(r.err + r.out));
      assert.ok(!r.err.includes('secret'), 'URL password echoed');
      const code = expected.get(argv.join(' '));
      assert.ok(code, `no expected code for ${argv.join(' ')}`);
      assert.match(r.err, new RegExp(`^error ${code}:`), JSON.stringify(r.err));
      assertJsonFailure(await s2s(env, ...argv, '--json'), argv.join(' '), code);
      assert.equal(await storeState(), before, 'the store changed');
    });
  }
});

describe('refused commands leave no half-written state', () => {
  test('importing a certificate whose --type fails (weak key for OAuthTokenIssuer) stores neither record nor assignment', async () => {
    const { makeCertificate } = await import('../fixtures/certificates.ts');
    const weak = await makeCertificate({ subject: 'CN=weak.contoso.com', keySize: 1024 });
    const cert = join(dir, 'weak.pem');
    writeFileSync(cert, weak.pem + weak.keyPem);
    const before = await storeState();
    const r = await s2s(env, 'certificate', 'import', '--path', cert, '--type', 'OAuthTokenIssuer');
    assert.notEqual(r.code, 0);
    assert.match(r.err, ONE_LINE_ERROR);
    assert.equal(await storeState(), before);
  });
});
