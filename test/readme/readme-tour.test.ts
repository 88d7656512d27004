// test-file-timeout: 900s
/**
 * The README is a test (docs/decisions.md "README doc-test"): every command of the tour runs exactly as
 * written, section by section, in fresh directories with fresh S2S_HOMEs, and must succeed with no error
 * line. Only what the README marks as the reader's own is filled in (see readme-blocks.ts): section
 * values (`export S2S_HOME=…`, `EXCHANGE_METADATA_URL=…`), `<placeholders>`, and section 1's default
 * listen address. The reader's input files (PFX files, the partner's root, an offline CA) are made here;
 * "Exchange" and the remote CA are played by a second s2s deployment on 127.0.0.1 with its own TLS root.
 * Sections 3 and 4 continue on section 2's deployment, as a reader would.
 */
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { opensslPfx } from '../fixtures/pfx.ts';
import { freshPostgresUrl } from '../fixtures/postgres.ts';
import { S2S_BIN, runS2s, startServerNode } from '../fixtures/s2s-process.ts';
import type { ServerNode } from '../fixtures/s2s-process.ts';
import { fillCommands, readReadme, sectionScript, tourSections } from './readme-blocks.ts';
import type { Fill, TourSection } from './readme-blocks.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readReadme();
const SECTIONS = tourSections(README);
const PFX_PASSWORD = 'pfx password 1';
const CA_PASSWORD = 'enroller password 1';
/** Exchange's well-known service principal (docs/protocol.md §1). */
const EXCHANGE_SERVICE_NAME = '00000002-0000-0ff1-ce00-000000000000';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function section(n: number): TourSection {
  const s = SECTIONS.find((x) => x.number === n);
  assert.ok(s, `README tour has a section ${n}`);
  return s;
}

/**
 * A fresh working directory standing in for the reader's clone: `npx s2s` resolves through its
 * node_modules/.bin to this checkout's bin/s2s.mjs, as it does inside the clone.
 */
function workDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `s2s-readme-${name}-`));
  dirs.push(dir);
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(S2S_BIN, join(dir, 'node_modules', '.bin', 's2s'));
  return dir;
}

/** The environment a reader's shell has: nothing of s2s set unless the test says so. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('S2S_') && !k.startsWith('npm_')) env[k] = v;
  return { ...env, S2S_LOG_LEVEL: 'warn', ...extra };
}

interface ScriptOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly trace: string;
}

/** Runs a section's commands (filled in) with bash in `dir`. */
async function runSection(
  s: TourSection,
  dir: string,
  fill: Fill,
  env: Record<string, string>,
): Promise<ScriptOutcome> {
  const commands = fillCommands(s.blocks.map((b) => b.code).join('\n'), fill);
  writeFileSync(join(dir, `section-${s.number}.sh`), sectionScript(commands));
  writeFileSync(join(dir, 'trace.log'), '');
  const child = spawn('bash', [join(dir, `section-${s.number}.sh`)], {
    cwd: dir,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, stdout, stderr, trace: readFileSync(join(dir, 'trace.log'), 'utf8') };
}

/** Exit 0, no `error` line; warnings only those the README's section leads the reader to expect. */
function assertClean(o: ScriptOutcome, expectedWarnings: readonly string[] = []): void {
  const context = `\n--- commands run\n${o.trace}\n--- stdout\n${o.stdout}\n--- stderr\n${o.stderr}`;
  assert.equal(o.code, 0, `the section failed as written${context}`);
  assert.doesNotMatch(o.stderr, /^error /m, context);
  const warnings = [...o.stderr.matchAll(/^warning (\w+)/gm)].map((m) => m[1]!);
  assert.deepEqual(
    warnings.filter((w) => !expectedWarnings.includes(w)),
    [],
    `unexpected warnings${context}`,
  );
}

async function pfxFile(path: string, subject: string, dnsNames: string[]): Promise<TestCertificate> {
  const cert = await makeCertificate({ subject, dnsNames, freshKey: true });
  writeFileSync(path, opensslPfx(cert, { password: PFX_PASSWORD }));
  return cert;
}

test('the extractor finds every tour section and its command blocks', () => {
  assert.deepEqual(
    SECTIONS.map((s) => s.number),
    [1, 2, 3, 4, 5, 6],
  );
  for (const s of SECTIONS)
    assert.ok(
      s.blocks.some((b) => b.lang === 'sh'),
      `section ${s.number} has a command block`,
    );
  assert.throws(() => fillCommands('npx s2s x --thumbprint <new>', {}), /placeholder <new> has no value/);
  assert.throws(
    () => fillCommands('npx s2s x', { variables: { S2S_HOME: '/x' } }),
    /fills variable S2S_HOME, which the README section no longer has/,
  );
  assert.equal(
    fillCommands('export A=1 S2S_HOME=/var/lib/s2s\nnpx s2s a \\\n  --b c < in.txt', {
      variables: { S2S_HOME: "/tmp/it's" },
    }),
    `export A=1 S2S_HOME='/tmp/it'\\''s'\nnpx s2s a --b c < in.txt`,
  );
});

test('section 1: the demo deployment (`npm start`), and looking around', async (t: TestContext) => {
  const s = section(1);
  const dir = workDir('s1');
  const home = join(dir, '.s2s');
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: cleanEnv({ S2S_HOME: home, S2S_LISTEN: '127.0.0.1:0' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => npm.on('exit', () => r()));
  t.after(async () => {
    npm.kill('SIGTERM');
    await exited;
  });
  const address = await new Promise<string>((resolve, reject) => {
    npm.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m =
        /s2s server listening on https:\/\/(127\.0\.0\.1:\d+)\n[\s\S]*Test storage connectivity[^\n]*\n[^\n]*\n/.exec(
          out,
        );
      if (m) resolve(m[1]!);
    });
    npm.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    void exited.then(() => reject(new Error(`npm start ended before listening:\n${out}`)));
  });
  // What the README shows npm start printing is what it prints (at the address it listens on).
  const banner = s.blocks.find((b) => b.lang === 'text' && b.raw.includes('s2s server listening on'));
  assert.ok(banner, 'section 1 shows the start-up banner');
  const printed = out.split('\n').map((l) => l.trimEnd());
  for (const line of banner.raw.split('\n'))
    assert.ok(
      printed.includes(line.split('127.0.0.1:8443').join(address).trimEnd()),
      `npm start prints "${line}"\n--- it printed\n${out}`,
    );
  const o = await runSection(
    s,
    dir,
    { literals: { '127.0.0.1:8443': address } },
    // "in a second terminal, in the same directory": the same S2S_HOME.
    { S2S_HOME: home },
  );
  assertClean(o);
  assert.match(o.stderr + o.stdout, /storage connectivity to self for sip:demo@contoso\.com: passed/);
  assert.match(o.stdout, /"keys":\s*\[\s*\{/, 'the served metadata publishes a key');
  assert.match(o.stdout, /Token\s*:\s*valid|valid/i);
});

describe('sections 2–4: a deployment of your own, trusting Exchange; a roll; certificate requests', () => {
  let dir: string;
  let partner: ServerNode;
  let partnerUrl: string;
  let next: TestCertificate;
  let partnerHome: string;

  before(async () => {
    dir = workDir('s2');
    writeFileSync(join(dir, 'pfx.pw'), `${PFX_PASSWORD}\n`);
    writeFileSync(join(dir, 'ca.pw'), `${CA_PASSWORD}\n`);
    await pfxFile(join(dir, 'ServerToServerAuth.pfx'), 'CN=litwareinc.com', ['litwareinc.com']);
    await pfxFile(join(dir, 'webint.pfx'), 'CN=lync-fe01.litwareinc.com', [
      'lync-fe01.litwareinc.com',
      'lync-pool.litwareinc.com',
    ]);
    next = await pfxFile(join(dir, 'next.pfx'), 'CN=litwareinc.com', ['litwareinc.com']);
    const offlineCa = await makeCertificate({ subject: 'CN=Litware Offline CA', ca: true, freshKey: true });
    writeFileSync(join(dir, 'ca.pem'), offlineCa.pem);
    writeFileSync(join(dir, 'ca.key'), offlineCa.keyPem);
    // "Exchange": another s2s deployment with Exchange's service name, its own TLS root and a CA.
    partnerHome = mkdtempSync(join(tmpdir(), 's2s-readme-exchange-'));
    dirs.push(partnerHome);
    const penv = cleanEnv({ S2S_HOME: partnerHome, S2S_NODE: 'exchange.litwareinc.com' });
    const init = await runS2s(
      ['init', '--realm', 'litwareinc.com', '--service-name', EXCHANGE_SERVICE_NAME],
      penv,
    );
    assert.equal(init.code, 0, init.stderr);
  });

  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const stop of stops) await stop();
  });

  test('section 2 runs as written', async () => {
    const penv = cleanEnv({ S2S_HOME: partnerHome, S2S_NODE: 'exchange.litwareinc.com' });
    // The partner outlives this test (sections 3 and 4 use its CA): stopped when the suite ends.
    const suiteScope = { after: (fn: () => Promise<void>) => stops.push(fn) } as unknown as TestContext;
    partner = startServerNode(suiteScope, ['--bootstrap', '--listen', '127.0.0.1:0'], penv);
    partnerUrl = await partner.ready;
    // Exchange's administrator hands over the root of its TLS certificate (here: s2s exports it).
    const root = await runS2s(['trusted-root', 'export', '--output', join(dir, 'exchange-root.pem')], penv);
    assert.equal(root.code, 0, root.stderr);
    // …and the remote CA of section 4 gets its account; its administrator hands over its root.
    for (const argv of [
      ['ca', 'init'],
      ['ca', 'account', 'add', '--name', 'enroller', '--password-file', join(dir, 'ca.pw')],
      ['ca', 'export-root', '--output', join(dir, 'litware-ca-root.pem')],
    ]) {
      const r = await runS2s(argv, penv);
      assert.equal(r.code, 0, r.stderr);
    }
    const o = await runSection(
      section(2),
      dir,
      {
        variables: {
          S2S_HOME: join(dir, 'home'),
          S2S_LISTEN: '127.0.0.1:0',
          EXCHANGE_METADATA_URL: `${partnerUrl}/metadata/json/1`,
        },
      },
      {},
    );
    assertClean(o);
    assert.match(o.stdout, /listening/);
    const got = await runS2s(['partner', 'get', '--identity', 'microsoft.exchange', '--json'], {
      S2S_HOME: join(dir, 'home'),
    });
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, new RegExp(EXCHANGE_SERVICE_NAME));
    // Section 2 tells the reader how Exchange trusts us in turn.
    assert.match(section(2).text, /ca export-root --output/);
  });

  test('section 2 says to trust the partner root first: without it, partner new stops with the fix', async () => {
    const fresh = workDir('s2-untrusted');
    const env = { S2S_HOME: join(fresh, 'home') };
    assert.equal((await runS2s(['init', '--realm', 'litwareinc.com'], env)).code, 0);
    const r = await runS2s(
      [
        'partner',
        'new',
        '--identity',
        'microsoft.exchange',
        '--trust-level',
        'Full',
        '--metadata-url',
        `${partnerUrl}/metadata/json/1`,
      ],
      env,
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ERR_METADATA_TLS_UNTRUSTED.*trusted-root add/);
    const text = section(2)
      .blocks.map((b) => b.code)
      .join('\n');
    assert.ok(
      text.indexOf('npx s2s trusted-root add') < text.indexOf('npx s2s partner new'),
      'the README adds the root before partner new',
    );
  });

  test('section 3 runs as written on that deployment', async () => {
    copyFileSync(join(dir, 'env.out'), join(dir, 'env.in'));
    const o = await runSection(section(3), dir, { placeholders: { 'new thumbprint': next.thumbprint } }, {});
    assertClean(o);
    assert.match(o.stdout, new RegExp(`StagedThumbprint\\s*: ${next.thumbprint}`));
  });

  test('section 4 runs as written on that deployment', async () => {
    copyFileSync(join(dir, 'env.out'), join(dir, 'env.in'));
    const o = await runSection(section(4), dir, { variables: { CA_URL: partnerUrl } }, {});
    assertClean(o);
    // The offline response kept the request's names (-copy_extensions copy): no names warning.
    assert.doesNotMatch(o.stderr, /WARN_CA_RESPONSE_EXTENSIONS_DROPPED|WARN_CERTIFICATE_NAMES_NOT_COVERED/);
    assert.match(
      section(4).text,
      /openssl x509 -req [^\n]*-copy_extensions copy/,
      'the offline example keeps the request extensions',
    );
  });
});

/** A port free on 127.0.0.1 now (the README's fixed demo ports may be taken on a test machine). */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

test('section 6: hybrid through the demo OAuth server runs as written on one machine', async () => {
  const s = section(6);
  const dir = workDir('s6');
  const [web, idp] = [await freePort(), await freePort()];
  const o = await runSection(
    s,
    dir,
    { literals: { '127.0.0.1:8443': `127.0.0.1:${web}`, '127.0.0.1:8444': `127.0.0.1:${idp}` } },
    {},
  );
  assertClean(o, ['WARN_METADATA_INSECURE_HTTP', 'WARN_PARTNER_FOREIGN_REALM_FULL_TRUST']);
  assert.match(
    o.stdout + o.stderr,
    /✔ Obtain the actor token from the OAuth server \([\d.]+ ms\) — actor token from OAuth server microsoft\.sts \(acs\)/,
  );
  assert.match(o.stdout, /storage connectivity to loopback for sip:demo@contoso\.com: passed/);
  assert.match(o.stdout, /PartnerApplications\s*:\s*loopback/);
});

test('section 5: a pool on PostgreSQL runs as written', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  const s = section(5);
  const dir = workDir('s5');
  writeFileSync(join(dir, 'pfx.pw'), `${PFX_PASSWORD}\n`);
  await pfxFile(join(dir, 'ServerToServerAuth.pfx'), 'CN=litwareinc.com', ['litwareinc.com']);
  await pfxFile(join(dir, 'fe01.pfx'), 'CN=lync-fe01.litwareinc.com', [
    'lync-fe01.litwareinc.com',
    'lync-pool.litwareinc.com',
  ]);
  const o = await runSection(
    s,
    dir,
    {
      variables: { S2S_STORE: url },
      placeholders: { '64 hex characters': randomBytes(32).toString('hex') },
    },
    { S2S_LISTEN: '127.0.0.1:0' },
  );
  assertClean(o);
  assert.match(o.stdout, /lync-fe01\.litwareinc\.com/);
  assert.match(s.text, /openssl rand -hex 32/, 'the README says how to make the master key');
  assert.doesNotMatch(
    s.blocks.map((b) => b.code).join('\n'),
    /--bootstrap/,
    'pool nodes do not bootstrap their own root',
  );
});
