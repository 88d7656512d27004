// test-file-exclusive
// test-file-timeout: 900s
/**
 * A PFX import succeeds on a machine loaded with 8 busy processes per core, and a wrong password is
 * reported as a wrong password: reading a certificate is bounded by its work, not by a clock
 * (docs/certificates.md). The test starts the busy processes itself (each stops by itself after 15 minutes at
 * the latest) and kills them afterwards. It loads the machine on purpose, so the runner runs it alone
 * (`test-file-exclusive`); on a shared machine run it under the heavy lock:
 *   flock /tmp/s2s-heavy.lock npm test -- test/load
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { opensslPfx, opensslThumbprint } from '../fixtures/pfx.ts';

const BIN = fileURLToPath(new URL('../../bin/s2s.mjs', import.meta.url));
const BUSY_PER_CORE = 8;

/** One busy process: a CPU loop that ends by itself after `seconds`. */
function busy(seconds: number): ChildProcess {
  return spawn('perl', ['-e', `my $end = time + ${seconds}; 1 while time < $end`], { stdio: 'ignore' });
}

function s2s(home: string, ...argv: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [BIN, ...argv], {
    env: { ...process.env, S2S_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (err += String(d)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

test(`PFX import under ${BUSY_PER_CORE} busy processes per core: succeeds; a wrong password says so`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-load-'));
  const home = join(dir, 'home');
  const busyProcesses: ChildProcess[] = [];
  t.after(() => {
    for (const p of busyProcesses) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const cert = await makeCertificate({ subject: 'CN=s2s.contoso.com', dnsNames: ['s2s.contoso.com'] });
  const pfx = join(dir, 'issuer.pfx');
  writeFileSync(pfx, opensslPfx(cert, { password: 'load-test-password', style: 'windows' }));
  writeFileSync(join(dir, 'right'), 'load-test-password\n');
  writeFileSync(join(dir, 'wrong'), 'not-the-password\n');
  const mem = memoryIo({ S2S_HOME: home });
  assert.equal(await runCli(['init', '--realm', 'contoso.com'], cliEnvironment(mem.io)), 0, mem.err());

  const count = availableParallelism() * BUSY_PER_CORE;
  for (let i = 0; i < count; i++) busyProcesses.push(busy(900));
  const importArgs = ['certificate', 'import', '--path', pfx, '--type', 'OAuthTokenIssuer', '--json'];

  const wrong = await s2s(home, ...importArgs, '--password-file', join(dir, 'wrong'));
  assert.notEqual(wrong.code, 0);
  // --json: the error document is on stdout.
  assert.equal(
    (JSON.parse(wrong.out) as { error: { code: string } }).error.code,
    'ERR_CERTIFICATE_PASSWORD_WRONG',
  );
  const right = await s2s(home, ...importArgs, '--password-file', join(dir, 'right'));
  assert.equal(right.code, 0, right.err + right.out);
  assert.ok(right.out.includes(opensslThumbprint(cert.der)), right.out);

  // The load was there for the whole time: every busy process still ran when the imports ended.
  assert.deepEqual(
    busyProcesses.filter((p) => p.exitCode !== null || p.signalCode !== null).length,
    0,
    'busy processes that ended early',
  );
  const load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  t.diagnostic(`${count} busy processes on ${availableParallelism()} cores; 1-minute load ${load}`);
});
