/**
 * Start-up rows (docs/architecture.md "Runtime"): `s2s --help`, `s2s certificate get` and `s2s server
 * start` until its first `/readyz` 200, each against `node -e 0` in the same interleaved rounds, through
 * `bin/s2s.mjs` as an operator runs it (the compiled build: bench/run.ts builds first). Wall-clock time
 * from spawn to exit (or to the first 200); the server's CPU time at that moment is reported beside.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './measure.ts';
import { processCpuSeconds } from './proc-cpu.ts';
import type { BenchRow } from './report.ts';
import { freePort } from './ports.ts';

/** Sizes, each declared once. */
export const STARTUP = { rounds: 7, readyPollMs: 5 } as const;

const BIN = join(import.meta.dirname, '..', 'bin', 's2s.mjs');

/** Wall seconds from spawn to exit. */
function timed(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve((performance.now() - started) / 1000)
        : reject(new Error(`${args.join(' ')} exited ${code}: ${err.slice(0, 300)}`)),
    );
  });
}

/** One GET /readyz: its status, or 0 when nothing answers yet. */
function readyz(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Wall seconds from spawning `s2s server start` to its first /readyz 200, and its CPU seconds by then. */
async function serverStart(
  env: NodeJS.ProcessEnv,
  extra: readonly string[] = [],
): Promise<{ wall: number; cpu: number }> {
  const port = await freePort();
  const started = performance.now();
  // One server process (`S2S_WORKERS=1`): the CPU read below is this process's, and the row is the cost
  // of starting one server (with workers, each of them starts the same; docs/server.md "Workers").
  const child = spawn(process.execPath, [BIN, 'server', 'start', ...extra], {
    env: { ...env, S2S_WORKERS: '1', S2S_LISTEN: `127.0.0.1:${port}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`s2s server start exited before it was ready: ${err.slice(0, 300)}`);
      if ((await readyz(port)) === 200) break;
      await new Promise((r) => setTimeout(r, STARTUP.readyPollMs));
    }
    const wall = (performance.now() - started) / 1000;
    return { wall, cpu: processCpuSeconds(child.pid!) ?? Number.NaN };
  } finally {
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
  }
}

export interface StartupResults {
  readonly rows: BenchRow[];
  /** Median CPU seconds of the server by its first /readyz 200. */
  readonly serverCpu: number;
  /** The home the rows ran on (removed by the caller through `close`). */
  readonly home: string;
  close(): void;
}

/** Initializes a fresh home (`s2s server start --bootstrap` once), then runs the interleaved rounds. */
export async function startupRows(log: (line: string) => void): Promise<StartupResults> {
  const home = mkdtempSync(join(tmpdir(), 's2s-bench-start-'));
  const env = { ...process.env, S2S_HOME: home, S2S_LOG_LEVEL: 'warn' };
  const close = () => rmSync(home, { recursive: true, force: true });
  try {
    log('start-up: bootstrapping a fresh home …');
    await serverStart(env, ['--bootstrap']);
    const node: number[] = [];
    const help: number[] = [];
    const get: number[] = [];
    const start: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < STARTUP.rounds + 1; r++) {
      log(`start-up: round ${r} of ${STARTUP.rounds}${r === 0 ? ' (warm-up)' : ''} …`);
      const n = await timed(['-e', '0'], env);
      const h = await timed([BIN, '--help'], env);
      const g = await timed([BIN, 'certificate', 'get'], env);
      const s = await serverStart(env);
      if (r === 0) continue; // the first round fills the page cache
      node.push(n);
      help.push(h);
      get.push(g);
      start.push(s.wall);
      cpu.push(s.cpu);
    }
    const row = (name: string, xs: number[], target: number | null): BenchRow => {
      const ratios = xs.map((x, i) => x / node[i]!);
      return {
        name,
        value: median(xs) * 1000,
        unit: 'ms',
        baselineName: '`node -e 0` (ms)',
        baseline: median(node) * 1000,
        ratio: median(ratios),
        spread: [Math.min(...ratios), Math.max(...ratios)],
        target,
        atMost: true,
      };
    };
    return {
      rows: [
        row('`s2s --help` (ms)', help, 3),
        row('`s2s certificate get` (ms)', get, null),
        row('`s2s server start` to the first `/readyz` 200 (ms)', start, 6),
      ],
      serverCpu: median(cpu),
      home,
      close,
    };
  } catch (err) {
    close();
    throw err;
  }
}
