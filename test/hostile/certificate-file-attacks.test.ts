/**
 * Hostile certificate files: random bytes, every 64-byte truncation and bit flip of real PFX files (openssl
 * default and -legacy), huge iteration counts, PEM with junk, empty files, directories, missing paths,
 * and password files with trailing newlines, CRLF and a UTF-8 BOM. The core reader must answer with an
 * S2sError code (never a raw exception); the CLI with exit 2–6, one line on stderr, and nothing secret.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCertificateFile } from '../../src/core/certificates/certificate-file.ts';
import { S2sError } from '../../src/core/index.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { inflateIterations, opensslPfx } from '../fixtures/pfx.ts';
import { s2s } from './hostile-deployment.ts';

const PASSWORD = 'hostile-Pässwörd-1';
let dir: string;
let env: Record<string, string>;
let leaf: TestCertificate;
let pfx: Buffer;
let legacy: Buffer;

function file(name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Nothing secret in an output: no PEM key, no password, no base64 of the key. */
function assertNoSecrets(text: string): void {
  assert.ok(!text.includes('PRIVATE KEY'), 'PEM private key in output');
  assert.ok(!text.includes(PASSWORD), 'password in output');
  // the private parts only (the modulus is public and is rightly in certificates and metadata)
  const jwk = leaf.privateKey.export({ format: 'jwk' }) as Record<string, string>;
  for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
    const bytes = Buffer.from(jwk[part]!, 'base64url');
    for (const enc of [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')]) {
      assert.ok(!text.includes(enc.slice(4, 36)), `private key part ${part} in output`);
    }
  }
  assert.ok(!/\n\s+at .+\(.+:\d+:\d+\)/.test(text), 'stack trace in output');
}

// The codes a corrupt certificate file may be refused with (docs/errors.md): which one depends on where
// the damage lands, but it is always one of these, never a generic or internal code.
const TRUNCATED = 'ERR_CERTIFICATE_FILE_TRUNCATED';
const UNRECOGNIZED = 'ERR_CERTIFICATE_FILE_UNRECOGNIZED';
const CORRUPT = [
  TRUNCATED,
  UNRECOGNIZED,
  'ERR_CERTIFICATE_PASSWORD_WRONG', // the PKCS#12 MAC no longer verifies
  'ERR_PFX_UNSUPPORTED_ALGORITHM',
  'ERR_PFX_ITERATIONS_TOO_HIGH',
];

/** Null when `fn` reads the file; else the refusal's code, which must be one of `allowed`. */
function assertCodeOrNull(fn: () => unknown, where: string, allowed: readonly string[]): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    assert.ok(
      err instanceof S2sError,
      `${where}: ${(err as Error)?.constructor?.name} ${(err as Error)?.message}`,
    );
    assert.ok(allowed.includes(err.code), `${where}: ${err.code} is not one of ${allowed.join(', ')}`);
    assert.ok(!err.message.includes('\n'));
    return err.code;
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 's2s-hostile-files-'));
  env = {
    S2S_HOME: join(dir, 'home'),
    S2S_MASTER_KEY: randomBytes(32).toString('base64'),
    S2S_NODE: 'fe01.contoso.com',
    PFX_PASS: PASSWORD,
  };
  leaf = await makeCertificate({ subject: 'CN=pool.contoso.com', dnsNames: ['contoso.com'], freshKey: true });
  pfx = opensslPfx(leaf, { password: PASSWORD });
  legacy = opensslPfx(leaf, { password: PASSWORD, style: 'legacy' });
  assert.equal((await s2s(env, 'init', '--realm', 'contoso.com')).code, 0);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the core reader never throws anything but an S2sError', () => {
  test('every 64-byte truncation of a default and a legacy PFX', () => {
    for (const [name, bytes] of [
      ['default', pfx],
      ['legacy', legacy],
    ] as const) {
      for (let n = 0; n < bytes.length; n += 64) {
        const code = assertCodeOrNull(
          () => readCertificateFile({ bytes: bytes.subarray(0, n), password: PASSWORD }),
          `${name} cut at ${n}`,
          n === 0 ? [UNRECOGNIZED] : [TRUNCATED, UNRECOGNIZED],
        );
        assert.ok(code !== null, `${name} cut at ${n} was read`);
      }
    }
  });

  test('a flipped byte at every 64-byte offset is refused (MAC, structure) and never read as valid', () => {
    for (let n = 0; n < pfx.length; n += 64) {
      const bad = Buffer.from(pfx);
      bad[n] = bad[n]! ^ 0xff;
      const code = assertCodeOrNull(
        () => readCertificateFile({ bytes: bad, password: PASSWORD }),
        `flip at ${n}`,
        CORRUPT,
      );
      assert.ok(code !== null, `flip at ${n} was read as valid`);
    }
  });

  test('random bytes, empty input, a lone SEQUENCE header claiming 2 GB', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(1 + ((i * 37) % 3000));
      // Random bytes that happen to open a DER SEQUENCE are cut short; anything else is not a certificate file.
      assert.ok(
        assertCodeOrNull(() => readCertificateFile({ bytes, password: 'x' }), `random ${i}`, [
          UNRECOGNIZED,
          TRUNCATED,
        ]),
      );
    }
    assert.ok(
      assertCodeOrNull(() => readCertificateFile({ bytes: Buffer.alloc(0) }), 'empty', [UNRECOGNIZED]),
    );
    assert.ok(
      assertCodeOrNull(
        () =>
          readCertificateFile({ bytes: Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x03]) }),
        'huge length',
        [TRUNCATED],
      ),
    );
    assert.ok(
      assertCodeOrNull(
        () => readCertificateFile({ bytes: Buffer.from([0x30, 0x80, 0x00, 0x00]) }),
        'indefinite length',
        [UNRECOGNIZED],
      ),
    );
  });

  test('a huge iteration count is refused before deriving (fast)', () => {
    const hostile = inflateIterations(opensslPfx(leaf, { password: PASSWORD, iterations: 65535 }));
    // The refusal comes from the count alone: the reader checks it before any key derivation runs.
    assert.equal(
      assertCodeOrNull(() => readCertificateFile({ bytes: hostile, password: PASSWORD }), 'iterations', [
        'ERR_PFX_ITERATIONS_TOO_HIGH',
      ]),
      'ERR_PFX_ITERATIONS_TOO_HIGH',
    );
  });

  test('PEM with junk around and between blocks still reads; junk inside a block is refused', () => {
    const ok = readCertificateFile({
      bytes: Buffer.from(`junk\n${leaf.pem}\nmore junk\n${leaf.keyPem}\ntrailer`),
    });
    assert.equal(ok.privateKey !== null, true);
    const broken = leaf.pem.replace(/\n([A-Za-z0-9+/]{10})/, '\n$1!!junk!!');
    assert.ok(
      assertCodeOrNull(
        () => readCertificateFile({ bytes: Buffer.from(broken + leaf.keyPem) }),
        'junk inside',
        [UNRECOGNIZED],
      ),
    );
    const truncatedKey = leaf.keyPem.slice(0, 200) + '\n-----END PRIVATE KEY-----\n';
    assert.ok(
      assertCodeOrNull(
        () => readCertificateFile({ bytes: Buffer.from(leaf.pem + truncatedKey) }),
        'cut key',
        [UNRECOGNIZED],
      ),
    );
  });
});

describe('certificate import through the CLI', () => {
  async function refused(argv: string[], codes: readonly string[], expectExit?: number) {
    const r = await s2s(env, 'certificate', 'import', ...argv);
    assert.notEqual(r.code, 0, r.out);
    if (expectExit !== undefined) assert.equal(r.code, expectExit, r.err);
    assert.ok(r.code >= 2 && r.code <= 6, `exit ${r.code}: ${r.err}`);
    assert.match(r.err, /^error ERR_[A-Z0-9_]+: [^\n]+\n$/);
    const code = /^error (ERR_[A-Z0-9_]+):/.exec(r.err)![1]!;
    assert.ok(codes.includes(code), `${code} is not one of ${codes.join(', ')}`);
    assertNoSecrets(r.out + r.err);
    const j = await s2s(env, 'certificate', 'import', ...argv, '--json');
    const doc = JSON.parse(j.out) as { ok: boolean; error: { code: string } };
    assert.equal(doc.ok, false);
    assert.equal(doc.error.code, code);
    assertNoSecrets(j.out + j.err);
    return r;
  }

  test('zero-length file, random bytes, a directory, a missing path', async () => {
    await refused(
      ['--path', file('empty.pfx', Buffer.alloc(0)), '--password-env', 'PFX_PASS'],
      [UNRECOGNIZED],
    );
    await refused(
      ['--path', file('random.pfx', randomBytes(2000)), '--password-env', 'PFX_PASS'],
      [UNRECOGNIZED, TRUNCATED],
    );
    mkdirSync(join(dir, 'a-directory.pfx'), { recursive: true });
    await refused(
      ['--path', join(dir, 'a-directory.pfx'), '--password-env', 'PFX_PASS'],
      ['ERR_CERTIFICATE_FILE_NOT_FOUND'],
    );
    await refused(
      ['--path', join(dir, 'does-not-exist.pfx'), '--password-env', 'PFX_PASS'],
      ['ERR_CERTIFICATE_FILE_NOT_FOUND'],
    );
  });

  test('a truncated PFX and a wrong password: clear codes, nothing stored', async () => {
    const before = (await s2s(env, 'certificate', 'list', '--json')).out;
    await refused(
      ['--path', file('cut.pfx', pfx.subarray(0, pfx.length - 200)), '--password-env', 'PFX_PASS'],
      [TRUNCATED],
    );
    const wrong = file('wrong.txt', 'not-the-password\n');
    await refused(
      ['--path', file('ok.pfx', pfx), '--password-file', wrong],
      ['ERR_CERTIFICATE_PASSWORD_WRONG'],
    );
    assert.equal((await s2s(env, 'certificate', 'list', '--json')).out, before);
  });

  for (const [name, content] of [
    ['trailing LF', `${PASSWORD}\n`],
    ['trailing CRLF', `${PASSWORD}\r\n`],
    ['UTF-8 BOM (Notepad)', `\ufeff${PASSWORD}\r\n`],
    ['no newline', PASSWORD],
  ] as const) {
    test(`password file with ${name} opens the PFX`, async () => {
      const r = await s2s(
        env,
        'certificate',
        'import',
        '--path',
        file('p.pfx', pfx),
        '--password-file',
        file('pw.txt', content),
        '--json',
      );
      assert.equal(r.code, 0, r.out + r.err);
      assertNoSecrets(r.out + r.err);
    });
  }

  test('get / list / export output never carries key material', async () => {
    const imported = await s2s(
      env,
      'certificate',
      'import',
      '--path',
      file('oauth.pfx', pfx),
      '--password-env',
      'PFX_PASS',
      '--type',
      'OAuthTokenIssuer',
      '--json',
    );
    assert.equal(imported.code, 0, imported.out + imported.err);
    for (const argv of [
      ['certificate', 'get'],
      ['certificate', 'list'],
      ['certificate', 'get', '--json'],
      ['certificate', 'list', '--json'],
      ['metadata', 'show'],
    ]) {
      const r = await s2s(env, ...argv);
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.err}`);
      assertNoSecrets(r.out + r.err);
    }
    const exp = await s2s(
      env,
      'certificate',
      'export',
      '--thumbprint',
      leaf.thumbprint,
      '--path',
      join(dir, 'out.pfx'),
      '--password-env',
      'PFX_PASS',
    );
    assert.notEqual(exp.code, 0, 'not exportable');
    assertNoSecrets(exp.out + exp.err);
  });
});
