/**
 * A process killed in the middle of `certificate import --type` or `certificate set` leaves the store as it
 * was before or as it is after, never half-written (issue 2, "Done when"). The store's failpoints
 * (S2S_FAILPOINT) SIGKILL the real `s2s` process just before and just after the commit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { opensslPfx } from '../fixtures/pfx.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's --json output, asserted field by field
type CliJson = Record<string, any>;

const PASSWORD = 'crash-test-password';
const BIN = new URL('../../bin/s2s.mjs', import.meta.url).pathname;
let root: string;
let certA: TestCertificate;
let certB: TestCertificate;
let pfxA: string;
let pfxB: string;

async function inProcess(home: string, ...argv: string[]): Promise<CliJson> {
  const mem = memoryIo({ S2S_HOME: home, PFX_PASS: PASSWORD });
  const code = await runCli([...argv, '--json'], cliEnvironment(mem.io));
  assert.equal(code, 0, mem.out() + mem.err());
  return JSON.parse(mem.out()) as CliJson;
}

function killedAt(home: string, failpoint: string, ...argv: string[]): void {
  const run = spawnSync(process.execPath, [BIN, ...argv], {
    env: { ...process.env, S2S_HOME: home, PFX_PASS: PASSWORD, S2S_FAILPOINT: failpoint },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.signal, 'SIGKILL', `expected the failpoint to kill the process: ${run.stderr}`);
}

async function state(home: string) {
  const list = (await inProcess(home, 'certificate', 'list')).certificates as Array<{ thumbprint: string }>;
  const assignments = (await inProcess(home, 'certificate', 'get')).assignments as Array<
    Record<string, string | null>
  >;
  return {
    thumbprints: list.map((c) => c.thumbprint).sort(),
    assignments: assignments.map((a) => [a.Use, a.Thumbprint, a.PreviousThumbprint]),
  };
}

async function freshHome(name: string): Promise<string> {
  const home = join(root, name);
  await inProcess(home, 'init', '--realm', 'contoso.com');
  return home;
}

describe('a process killed mid-write leaves the store before or after, never between', () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 's2s-crash-'));
    certA = await makeCertificate({ subject: 'CN=a.contoso.com' });
    certB = await makeCertificate({ subject: 'CN=b.contoso.com', keySize: 3072 });
    pfxA = join(root, 'a.pfx');
    pfxB = join(root, 'b.pfx');
    writeFileSync(pfxA, opensslPfx(certA, { password: PASSWORD }));
    writeFileSync(pfxB, opensslPfx(certB, { password: PASSWORD }));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const importArgs = () => [
    'certificate',
    'import',
    '--path',
    pfxA,
    '--password-env',
    'PFX_PASS',
    '--type',
    'OAuthTokenIssuer',
  ];

  test('import --type OAuthTokenIssuer killed before commit: nothing written', async () => {
    const home = await freshHome('import-before');
    killedAt(home, 'store.write.before-commit', ...importArgs());
    assert.deepEqual(await state(home), { thumbprints: [], assignments: [] });
  });

  test('import --type OAuthTokenIssuer killed after commit: certificate and assignment both there', async () => {
    const home = await freshHome('import-after');
    killedAt(home, 'store.write.after-commit', ...importArgs());
    assert.deepEqual(await state(home), {
      thumbprints: [certA.thumbprint],
      assignments: [['OAuthTokenIssuer', certA.thumbprint, null]],
    });
  });

  for (const [failpoint, expected] of [
    ['store.write.before-commit', 'before'],
    ['store.write.after-commit', 'after'],
  ] as const) {
    test(`set killed ${expected} commit: the assignment is entirely ${expected}`, async () => {
      const home = await freshHome(`set-${expected}`);
      await inProcess(home, ...importArgs());
      await inProcess(home, 'certificate', 'import', '--path', pfxB, '--password-env', 'PFX_PASS');
      killedAt(
        home,
        failpoint,
        'certificate',
        'set',
        '--type',
        'OAuthTokenIssuer',
        '--thumbprint',
        certB.thumbprint,
      );
      const { assignments } = await state(home);
      assert.deepEqual(assignments, [
        expected === 'before'
          ? ['OAuthTokenIssuer', certA.thumbprint, null]
          : ['OAuthTokenIssuer', certB.thumbprint, certA.thumbprint],
      ]);
    });
  }
});
