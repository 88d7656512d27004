// test-file-timeout: 600s
/**
 * The test runner (scripts/run-tests.mjs) always ends: a hanging file is killed with its process group and
 * reported while the other files still run; what a file left running (a listening server, a test schema)
 * is listed, killed or dropped, and fails the run. The fixtures sit outside the *.test.ts glob.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminQuery } from '../fixtures/postgres.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = 'test/runner/fixtures';

function runRunner(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['scripts/run-tests.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

/** True while `pid` runs (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The summary total `name` printed by the runner (the last such line). */
function total(out: string, name: string): number {
  const all = [...out.matchAll(new RegExp(`^ℹ ${name} (\\d+)$`, 'gm'))];
  assert.ok(all.length > 0, `no "ℹ ${name}" line in:\n${out}`);
  return Number(all.at(-1)![1]);
}

test('a hanging file is killed and reported, the others still run, leftovers are cleaned up and fail the run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-runner-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = ['hang', 'mixed', 'leak'].flatMap((name) => ['--file', `${FIXTURES}/${name}.fixture.ts`]);
  const { code, out } = await runRunner(['--concurrency', '2', ...files], { RUNNER_FIXTURE_DIR: dir });

  assert.equal(code, 1, out);
  assert.match(
    out,
    /✖ test\/runner\/fixtures\/hang\.fixture\.ts timed out after 5 s \(killed with its process group\)/,
  );
  assert.match(out, /✔ passes/);
  assert.match(out, /✖ fails by design/);
  assert.equal(total(out, 'tests'), 3, out);
  assert.equal(total(out, 'pass'), 2, out);

  const leak = JSON.parse(readFileSync(join(dir, 'leak.json'), 'utf8')) as {
    pid: number;
    port: string;
    schema: string;
  };
  assert.match(
    out,
    new RegExp(`left running \\(killed\\): pid ${leak.pid} .* listening on 127\\.0\\.0\\.1:${leak.port}`),
  );
  assert.equal(alive(leak.pid), false, 'the leaked server was killed');
  // hang (timed out) + mixed (1 failing test) + leak (left a process) [+ leak's schema]
  assert.equal(total(out, 'fail'), leak.schema ? 4 : 3, out);
  if (leak.schema) {
    assert.match(out, new RegExp(`✖ schema ${leak.schema} left behind \\(dropped\\)`));
    const { rowCount } = await adminQuery('SELECT 1 FROM pg_namespace WHERE nspname = $1', [leak.schema]);
    assert.equal(rowCount, 0, 'the leftover schema was dropped');
  } else if (process.env.CI === 'true') {
    assert.fail('PostgreSQL is unreachable: CI=true requires the leftover-schema check');
  }
  // The hanging file's child ignores SIGTERM; when it got as far as starting it, it is gone too.
  const hangPids = join(dir, 'hang.pids');
  if (existsSync(hangPids))
    for (const pid of readFileSync(hangPids, 'utf8').split('\n').filter(Boolean))
      assert.equal(alive(Number(pid)), false, `hang fixture child ${pid} was killed`);
});

test('a run with nothing left behind passes and prints the summary last', async () => {
  const { code, out } = await runRunner(['--file', `${FIXTURES}/pass.fixture.ts`], {});
  assert.equal(code, 0, out);
  assert.equal(total(out, 'tests'), 1);
  assert.equal(total(out, 'fail'), 0);
  assert.match(out, /ℹ files 1 \(timed out 0, left running 0 process\(es\), left 0 schema\(s\)\)/);
  assert.match(out, /ℹ duration_ms \d+\n$/, 'the summary ends the output');
});
