// The README tour's commands, run on a fresh home with fixed certificates, with outputs normalized
// (thumbprints, dates, tokens, paths, ids): two trees whose transcripts are equal behave the same on the
// tour. Used to prove that a refactoring changed no CLI, metadata or token output (docs/architecture.md).
//
// Usage: node --import tsx scripts/golden-tour.ts [repo root whose bin/s2s.mjs to run] > transcript.txt
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(process.argv[2] ?? new URL('..', import.meta.url).pathname);
const work = mkdtempSync(join(tmpdir(), 's2s-golden-'));
const home = join(work, 'home');
const env = {
  ...process.env,
  S2S_HOME: home,
  S2S_NODE: 'fe01.litwareinc.com',
  S2S_MASTER_KEY: '00'.repeat(32),
  PFX_PASS: 'golden-pass',
  NO_COLOR: '1',
};

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: work, stdio: 'ignore' });
}

/** A self-signed RSA certificate in a PFX (names fixed; keys fresh, so thumbprints are normalized away). */
function pfx(name: string, subject: string, san: string): string {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '365',
    '-subj',
    subject,
    '-addext',
    `subjectAltName=${san}`,
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    '-addext',
    'basicConstraints=critical,CA:FALSE',
  );
  openssl(
    'pkcs12',
    '-export',
    '-in',
    `${name}.pem`,
    '-inkey',
    `${name}.key`,
    '-out',
    `${name}.pfx`,
    '-passout',
    'pass:golden-pass',
  );
  return join(work, `${name}.pfx`);
}

const seen = new Map<string, string>();
function label(kind: string, value: string): string {
  if (!seen.has(value))
    seen.set(value, `<${kind}${[...seen.values()].filter((v) => v.startsWith(`<${kind}`)).length + 1}>`);
  return seen.get(value)!;
}

function normalize(text: string): string {
  return text
    .split(work)
    .join('<work>')
    .replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, '<jwt>')
    .replace(/\b[0-9A-F]{40}\b/g, (m) => label('thumbprint', m))
    .replace(/\b[0-9a-f]{40}\b/g, (m) => label('thumbprint', m.toUpperCase()))
    .replace(/"(x5t|kid|x5t#S256)":\s*"[A-Za-z0-9_-]+"/g, (_m, k: string) => `"${k}": "<x5t>"`)
    .replace(
      /"(keyValue|value|n|x5c|certificate)":\s*"[A-Za-z0-9+/=]{100,}"/g,
      (_m, k: string) => `"${k}": "<base64>"`,
    )
    .replace(/(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<guid>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<date>')
    .replace(/\b1[6-9]\d{8}\b/g, '<epoch>')
    .replace(/\(\d+(\.\d+)? ?m?s\)/g, '(<ms>)');
}

const transcript: string[] = [];
function s2s(...args: string[]): void {
  const r = spawnSync(process.execPath, [join(repo, 'bin/s2s.mjs'), ...args], {
    cwd: work,
    env,
    encoding: 'utf8',
  });
  transcript.push(
    normalize(`$ s2s ${args.join(' ')}`),
    `exit ${r.status}`,
    normalize(r.stdout).trimEnd(),
    normalize(r.stderr).trimEnd(),
    '',
  );
}

try {
  const issuer = pfx('issuer', '/CN=litwareinc.com', 'DNS:litwareinc.com');
  const web = pfx(
    'web',
    '/CN=lync-fe01.litwareinc.com',
    'DNS:lync-fe01.litwareinc.com,DNS:lync-pool.litwareinc.com',
  );
  const partnerCert = join(work, 'issuer.pem');
  writeFileSync(join(work, 'pfx.pw'), 'golden-pass\n');

  s2s('init', '--realm', 'litwareinc.com', '--host-name', 'lync-pool.litwareinc.com', '--json');
  s2s('oauth', 'get', '--json');
  s2s(
    'certificate',
    'import',
    '--path',
    issuer,
    '--password-file',
    'pfx.pw',
    '--type',
    'OAuthTokenIssuer',
    '--json',
  );
  s2s(
    'certificate',
    'import',
    '--path',
    web,
    '--password-file',
    'pfx.pw',
    '--type',
    'WebServicesInternal',
    '--identity',
    'fe01.litwareinc.com',
    '--json',
  );
  s2s('certificate', 'get', '--json');
  s2s('metadata', 'show', '--json');
  s2s(
    'partner',
    'new',
    '--identity',
    'lab.exchange',
    '--trust-level',
    'Full',
    '--application-identifier',
    '00000002-0000-0ff1-ce00-000000000000',
    '--realm',
    'litwareinc.com',
    '--certificate-file',
    partnerCert,
    '--json',
  );
  s2s('partner', 'get', '--json');
  s2s(
    'token',
    'new',
    '--partner',
    'lab.exchange',
    '--host',
    'mail.litwareinc.com',
    '--user',
    'sip:kenmyer@litwareinc.com',
    '--json',
  );
  s2s('user', 'add', '--sip', 'sip:kenmyer@litwareinc.com', '--smtp', 'kenmyer@litwareinc.com', '--json');
  // Refusals: each a one-line error with its code and exit status.
  s2s('certificate', 'import', '--path', join(work, 'missing.pfx'), '--password-file', 'pfx.pw');
  s2s('partner', 'new', '--identity', 'x', '--trust-level', 'Fully', '--metadata-url', 'https://x.test/m');
  s2s('partner', 'new', '--identity', 'x', '--trust-level', 'Full', '--metadata-url', 'http://x.test/m');
  s2s('token', 'new', '--partner', 'nobody', '--host', 'mail.litwareinc.com');
  s2s('certificate', 'set', '--type', 'OAuthTokenIssuer', '--thumbprint', 'AB'.repeat(20));
  s2s('oauth', 'get');
  s2s('certificate', 'get');
  process.stdout.write(`${transcript.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
