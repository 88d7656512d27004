/**
 * Unbounded reads of administrator input (docs/security.md §6.1): every file or stream the CLI reads —
 * certificate files, password files, standard input — stops one byte after its cap whatever it is:
 * `/dev/zero` (stat says 0 bytes, it never ends), a FIFO fed more than the cap (stat says 0), an endless
 * pipe on standard input. Each is refused with a stable code, not read whole.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, constants, createWriteStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CERTIFICATE_FILE_LIMITS } from '../../src/core/certificates/index.ts';
import { SECRET_FILE_MAX_BYTES } from '../../src/adapters/cli/secret-file.ts';
import { S2S_BIN } from '../fixtures/s2s-process.ts';
import { s2s } from './hostile-deployment.ts';

let dir: string;
let env: Record<string, string>;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 's2s-hostile-reads-'));
  env = {
    S2S_HOME: join(dir, 'home'),
    S2S_MASTER_KEY: randomBytes(32).toString('base64'),
    S2S_NODE: 'fe01.contoso.com',
  };
});
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A FIFO (stat size 0) that a writer feeds `bytes` zero bytes, then closes; write errors (EPIPE) are
 * expected. `done()` opens and closes a reader first, so a writer whose command never opened the FIFO ends.
 */
function fifoFeeding(bytes: number): { path: string; done: () => Promise<void> } {
  const path = join(dir, `fifo-${randomBytes(4).toString('hex')}`);
  execFileSync('mkfifo', [path]);
  const out = createWriteStream(path);
  const done = new Promise<void>((resolve) => {
    out.on('error', () => resolve());
    out.on('close', () => resolve());
  });
  const chunk = Buffer.alloc(64 * 1024);
  let left = bytes;
  const pump = (): void => {
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!out.write(chunk.subarray(0, n))) {
        out.once('drain', pump);
        return;
      }
    }
    out.end();
  };
  pump();
  return {
    path,
    done: () => {
      closeSync(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
      return done;
    },
  };
}

function assertRefused(r: { code: number; err: string }, code: string, what: string): void {
  assert.equal(r.code, 2, `${what}: exit ${r.code} ${r.err}`);
  assert.match(r.err, new RegExp(`^error ${code}: `), `${what}: ${r.err}`);
}

const CERT_CAP = CERTIFICATE_FILE_LIMITS.maxFileBytes;
const OVER_CERT_CAP = CERT_CAP + 1024 * 1024;

/** Certificate-file commands, `%s` standing for the path. */
const CERTIFICATE_COMMANDS: Array<[string, string[]]> = [
  ['trusted-root add --path', ['trusted-root', 'add', '--path', '%s']],
  ['certificate import --path', ['certificate', 'import', '--path', '%s']],
  [
    'partner new --certificate-file',
    [
      'partner',
      'new',
      '--identity',
      'lab.exchange',
      '--application-identifier',
      '00000002-0000-0ff1-ce00-000000000000',
      '--realm',
      'contoso.com',
      '--certificate-file',
      '%s',
    ],
  ],
  [
    'partner set --certificate-file',
    ['partner', 'set', '--identity', 'lab.exchange', '--certificate-file', '%s'],
  ],
];

const withPath = (argv: string[], path: string) => argv.map((a) => (a === '%s' ? path : a));

describe('certificate files are read with a hard cap, never trusting stat', () => {
  for (const [what, argv] of CERTIFICATE_COMMANDS) {
    test(`${what} /dev/zero is refused ERR_CERTIFICATE_FILE_TOO_LARGE`, async () => {
      assertRefused(await s2s(env, ...withPath(argv, '/dev/zero')), 'ERR_CERTIFICATE_FILE_TOO_LARGE', what);
    });
    test(`${what} <a FIFO fed more than the cap> is refused ERR_CERTIFICATE_FILE_TOO_LARGE`, async () => {
      const fifo = fifoFeeding(OVER_CERT_CAP);
      const r = await s2s(env, ...withPath(argv, fifo.path));
      await fifo.done();
      assertRefused(r, 'ERR_CERTIFICATE_FILE_TOO_LARGE', what);
    });
  }

  test('certificate import --key-path /dev/zero is refused ERR_CERTIFICATE_FILE_TOO_LARGE', async () => {
    const cert = join(dir, 'empty.pem');
    closeSync(openSync(cert, 'w'));
    const r = await s2s(env, 'certificate', 'import', '--path', cert, '--key-path', '/dev/zero');
    assertRefused(r, 'ERR_CERTIFICATE_FILE_TOO_LARGE', '--key-path');
  });
});

describe('password files are read with a hard cap', () => {
  const PASSWORD_COMMANDS: Array<[string, string[]]> = [
    [
      'certificate import --password-file',
      ['certificate', 'import', '--path', '/dev/null', '--password-file', '%s'],
    ],
    [
      'ca account add --password-file',
      ['ca', 'account', 'add', '--name', 'enroller', '--password-file', '%s'],
    ],
    [
      'certificate request --ca-password-file',
      [
        'certificate',
        'request',
        '--type',
        'Default',
        '--ca',
        'https://127.0.0.1:1/',
        '--ca-account',
        'enroller',
        '--ca-password-file',
        '%s',
      ],
    ],
  ];
  for (const [what, argv] of PASSWORD_COMMANDS) {
    test(`${what} /dev/zero is refused ERR_INPUT_TOO_LARGE`, async () => {
      assertRefused(await s2s(env, ...withPath(argv, '/dev/zero')), 'ERR_INPUT_TOO_LARGE', what);
    });
  }

  test('a FIFO fed more than 64 KiB as --password-file is refused ERR_INPUT_TOO_LARGE', async () => {
    const fifo = fifoFeeding(SECRET_FILE_MAX_BYTES * 4);
    const r = await s2s(env, 'ca', 'account', 'add', '--name', 'enroller', '--password-file', fifo.path);
    await fifo.done();
    assertRefused(r, 'ERR_INPUT_TOO_LARGE', 'FIFO password');
  });
});

/** Runs the real binary with standard input read from `/dev/zero` (endless). */
function runWithEndlessStdin(argv: string[]): Promise<{ code: number | null; err: string }> {
  const zero = openSync('/dev/zero', 'r');
  try {
    const child = spawn(process.execPath, [S2S_BIN, ...argv], {
      env: { ...process.env, ...env },
      stdio: [zero, 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, err })));
  } finally {
    closeSync(zero);
  }
}

describe('standard input is read with a hard cap', () => {
  test('--password-file - with /dev/zero on stdin is refused ERR_INPUT_TOO_LARGE', async () => {
    const r = await runWithEndlessStdin([
      'ca',
      'account',
      'add',
      '--name',
      'enroller',
      '--password-file',
      '-',
    ]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^error ERR_INPUT_TOO_LARGE: /m);
  });

  test('token test - with /dev/zero on stdin is refused ERR_INPUT_TOO_LARGE', async () => {
    const r = await runWithEndlessStdin(['token', 'test', '-', '--url', 'https://pool.contoso.com/']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^error ERR_INPUT_TOO_LARGE: /m);
  });
});
