/** Small timing helpers of the benchmark: time-bounded loops and child processes whose JSON output is read. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
export async function opsPerSecond(ms: number, fn: (i: number) => unknown): Promise<number> {
  let i = 0;
  const started = performance.now();
  const deadline = started + ms;
  while (performance.now() < deadline) {
    for (let j = 0; j < 16; j++) await fn(i++);
  }
  return i / ((performance.now() - started) / 1000);
}

/** Runs `fn` once per input; returns operations per second. */
export async function opsOver<T>(inputs: readonly T[], fn: (input: T) => unknown): Promise<number> {
  const started = performance.now();
  for (const input of inputs) await fn(input);
  return inputs.length / ((performance.now() - started) / 1000);
}

/** Runs a tsx script to completion and parses the last line of its stdout as JSON. */
export function runScript<T>(script: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`${script} exited ${code}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

/** Starts a long-running tsx script and resolves once it prints `ready`. */
export function startScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env,
    });
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${script} exited ${code} before it was ready`)));
  });
}

/** Stops a child started by startScript and waits for it. */
export function stopScript(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
