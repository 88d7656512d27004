// test-file-timeout: 600s
/**
 * `npm start` stops the server it started when npm itself is stopped: the script `exec`s node, so npm's
 * signal reaches the server (before, the intermediate shell died and left the server running).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { running } from '../fixtures/s2s-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Pids whose parent is `ppid` (Linux /proc). */
function childrenOf(ppid: number): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('SIGTERM to `npm start` stops the server (no orphan keeps listening)', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 's2s-npm-start-'));
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, S2S_HOME: home, S2S_LISTEN: '127.0.0.1:0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    npm.stdout.on('data', (d) => {
      out += String(d);
      if (out.includes('"msg":"s2s server ready"')) resolve();
    });
    npm.stderr.on('data', (d) => (out += String(d)));
    npm.on('exit', () => reject(new Error(`npm start ended before the server was ready:\n${out}`)));
  });
  t.after(() => {
    npm.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });
  await ready;
  const servers = childrenOf(npm.pid!);
  assert.equal(servers.length, 1, `npm's children: ${servers.join(', ')}`);
  // With one worker per core (docs/server.md "Workers") the server's own children serve: they end too.
  const workers = childrenOf(servers[0]!).filter((pid) =>
    readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('s2s.mjs'),
  );
  const exited = new Promise((resolve) => npm.on('exit', resolve));
  const drained = new Promise((resolve) => npm.stdout.on('close', resolve));
  npm.kill('SIGTERM');
  await exited;
  while (running(servers[0]!)) await new Promise((r) => setTimeout(r, 100));
  for (const worker of workers) assert.equal(running(worker), false, `worker ${worker} still runs`);
  await drained; // the server shared npm's stdout: its last line has arrived once the pipe closed
  assert.match(out, /"msg":"s2s server stopped"/);
});
