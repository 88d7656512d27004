// test-file-timeout: 600s
/** `s2s server status|stop` against a real server process, through the pid file in S2S_HOME. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';

const BIN = fileURLToPath(new URL('../../bin/s2s.mjs', import.meta.url));

test('server status shows the running server; server stop stops it and status then says so (exit 3)', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 's2s-server-life-'));
  const s2s = async (...argv: string[]) => {
    const mem = memoryIo({ S2S_HOME: home });
    const code = await runCli(argv, cliEnvironment(mem.io));
    return { code, out: mem.out(), err: mem.err() };
  };
  assert.equal((await s2s('server', 'status')).code, 3, 'nothing runs yet');
  const child = spawn(process.execPath, [BIN, 'server', 'start', '--bootstrap'], {
    env: { ...process.env, S2S_HOME: home, S2S_LISTEN: '127.0.0.1:0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.after(() => {
    child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      log += String(d);
      if (log.includes('"msg":"s2s server ready"')) resolve();
    });
    child.stderr.on('data', (d) => (log += String(d)));
    void exited.then(() => reject(new Error(`the server ended before it was ready:\n${log}`)));
  });

  const status = await s2s('server', 'status', '--json');
  assert.equal(status.code, 0, status.err);
  const record = JSON.parse(status.out) as { running: boolean; pid: number; url: string };
  assert.deepEqual([record.running, record.pid], [true, child.pid]);
  assert.match(record.url, /^https:\/\/127\.0\.0\.1:\d+$/);

  const stop = await s2s('server', 'stop', '--json');
  assert.equal(stop.code, 0, stop.err);
  assert.equal(await exited, 0, 'the server exited cleanly');
  assert.equal(existsSync(join(home, 'server.json')), false, 'the pid file is gone');
  const after = await s2s('server', 'status');
  assert.equal(after.code, 3);
  assert.match(
    after.err,
    /^error ERR_SERVER_NOT_RUNNING: no server runs for .* — fix: Start it with `s2s server start`/,
  );
  assert.equal((await s2s('server', 'stop')).code, 3);
});
