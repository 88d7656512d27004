/**
 * Drives HTTPS load at a server from a separate process: `wrk` (C, Debian package `wrk`) when installed,
 * else bench/load.ts (Node + undici, which needs several times more CPU per request — on a 2-core
 * machine that CPU is taken from the server). Optionally pinned to CPUs with `taskset`. Reports the
 * requests answered 200, the others, and the CPU seconds the generator itself used.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** One load run. */
export interface LoadRun {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  /** PEM file of the roots that issued the server certificate (the Node generator verifies TLS). */
  readonly caFile: string;
  readonly authorization?: string | undefined;
  /** `taskset -c` CPU list, e.g. "1"; none: the scheduler decides. */
  readonly cpus?: string | undefined;
}

export interface LoadResult {
  /** Answers with status 200. */
  readonly requests: number;
  /** Other statuses and socket errors. */
  readonly errors: number;
  readonly seconds: number;
  /** CPU seconds (user + system) of the load generator. */
  readonly cpuSeconds: number;
}

/** Which generator runs: `wrk` when installed, unless S2S_BENCH_LOAD=node asks for the Node one. */
export const LOAD_TOOL: 'wrk' | 'node' =
  process.env.S2S_BENCH_LOAD !== 'node' && hasCommand('wrk', ['-v']) ? 'wrk' : 'node';
/** Whether `taskset` can pin processes to CPUs. */
export const CAN_PIN = hasCommand('taskset', ['-V']);

/** Runs the load and resolves when it ends. */
export function runLoad(run: LoadRun): Promise<LoadResult> {
  return LOAD_TOOL === 'wrk' ? runWrk(run) : runNode(run);
}

/** `[command, ...args]` prefixed with taskset when pinning is asked for and possible. */
export function pinned(cpus: string | undefined, command: string[]): string[] {
  return cpus !== undefined && CAN_PIN ? ['taskset', '-c', cpus, ...command] : command;
}

function runWrk(run: LoadRun): Promise<LoadResult> {
  const wrk = pinned(run.cpus, [
    'wrk',
    '-t1',
    `-c${run.connections}`,
    `-d${run.seconds}s`,
    ...(run.authorization ? ['-H', `authorization: ${run.authorization}`] : []),
    run.url,
  ]);
  // bash's `times` prints the CPU time of the finished children: the generator's own CPU, exactly.
  return collect('bash', ['-c', '"$@"; times', 'bash', ...wrk]).then((out) => {
    const total = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(out)?.[1] ?? Number.NaN);
    const duration = /requests in ([\d.]+)(m?s)/.exec(out);
    const seconds = duration ? Number(duration[1]) / (duration[2] === 'ms' ? 1000 : 1) : run.seconds;
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const socketErrors = socket ? socket.slice(1).reduce((s, x) => s + Number(x), 0) : 0;
    if (Number.isNaN(total)) throw new Error(`wrk printed no result: ${out.slice(0, 300)}`);
    return {
      requests: total - non2xx,
      errors: non2xx + socketErrors,
      seconds,
      cpuSeconds: childTimes(out),
    };
  });
}

async function runNode(run: LoadRun): Promise<LoadResult> {
  const script = join(import.meta.dirname, 'load.ts');
  const args = [script, run.url, String(run.seconds), String(run.connections), run.caFile];
  if (run.authorization) args.push(run.authorization);
  const [command, ...rest] = pinned(run.cpus, [process.execPath, '--import', 'tsx', ...args]);
  const out = await collect(command!, rest);
  return JSON.parse(out.trim().split('\n').pop() ?? '') as LoadResult;
}

/** Sum of the children's user and system times in the second line of bash's `times`. */
function childTimes(out: string): number {
  const lines = out.trim().split('\n');
  const children = lines[lines.length - 1] ?? '';
  let total = 0;
  for (const m of children.matchAll(/(\d+)m([\d.]+)s/g)) total += Number(m[1]) * 60 + Number(m[2]);
  return total;
}

function collect(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${out.slice(0, 300)}`)),
    );
  });
}

function hasCommand(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore' });
  return !(r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT');
}
