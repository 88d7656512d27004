// Runs one test file in its own process group with a watchdog: a file that outlives its timeout is
// killed (its whole group: servers it spawned included) and reported; whatever a finished file left
// running is listed and killed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeProcess, killAll, leftoverPids, listeningSockets } from './leftovers.mjs';

const REPORTER = new URL('./summary-reporter.mjs', import.meta.url).href;
const GRACE_MS = 5000;

/**
 * Runs `file` (relative to root) and resolves to
 * { file, output, counts, timedOut, exitCode, leftovers, token, seconds }.
 */
export function runFile(root, file, timeoutSeconds, running) {
  const token = randomBytes(6).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 's2s-test-run-'));
  const summaryFile = join(dir, 'summary.jsonl');
  const args = [
    '--import',
    'tsx',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${REPORTER}`,
    `--test-reporter-destination=${summaryFile}`,
    file,
  ];
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true, // its own process group, so the watchdog can kill everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, S2S_TEST_FILE_TOKEN: token, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
  });
  const chunks = [];
  child.stdout.on('data', (c) => chunks.push(c));
  child.stderr.on('data', (c) => chunks.push(c));
  const entry = { file, pid: child.pid, started };
  running.add(entry);
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    signalGroup(child.pid, 'SIGTERM');
    setTimeout(() => signalGroup(child.pid, 'SIGKILL'), GRACE_MS).unref();
  }, timeoutSeconds * 1000);
  return new Promise((resolve) => {
    let exit;
    let killed = Promise.resolve();
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      // Listed and killed at once: a leftover holding the output pipes would otherwise keep 'close' away.
      const listening = listeningSockets();
      const pids = leftoverPids(child.pid, token);
      exit = { code, signal, leftovers: pids.map((pid) => describeProcess(pid, listening)) };
      killed = killAll(child.pid, pids, GRACE_MS);
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, GRACE_MS).unref();
    });
    child.on('close', async () => {
      await killed;
      running.delete(entry);
      const counts = readCounts(summaryFile);
      rmSync(dir, { recursive: true, force: true });
      resolve({
        file,
        token,
        output: Buffer.concat(chunks).toString('utf8'),
        counts,
        timedOut,
        exitCode: exit?.code ?? (exit?.signal ? 128 : 1),
        leftovers: exit?.leftovers ?? [],
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    });
  });
}

/** Signals a whole process group, ignoring a group that is already gone. */
export function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

/** The totals the summary reporter wrote ({ tests, pass, fail, … }), or undefined when there are none. */
function readCounts(summaryFile) {
  let text;
  try {
    text = readFileSync(summaryFile, 'utf8');
  } catch {
    return undefined;
  }
  const counts = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const match = /^(\w+) ([\d.]+)$/.exec(JSON.parse(line).message);
    if (match) counts[match[1]] = Number(match[2]);
  }
  return 'tests' in counts ? counts : undefined;
}
