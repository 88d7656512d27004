/**
 * Timing helpers of the benchmark. The 2-core machine is shared, so in-process measurements count this
 * process's CPU time (user + system, all threads) rather than wall time, and rounds are interleaved
 * (baseline, library, baseline, …) so that load from other processes hits both sides alike.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** Operations per CPU-second of this process over one pass of `items` (awaiting each). */
export async function cpuOpsPerSecond<T>(items: readonly T[], fn: (item: T) => unknown): Promise<number> {
  const start = process.cpuUsage();
  for (const item of items) await fn(item);
  const used = process.cpuUsage(start);
  return items.length / ((used.user + used.system) / 1e6);
}

/** Synchronous variant: no await between operations (a sync baseline must not pay for promises). */
export function cpuOpsPerSecondSync<T>(items: readonly T[], fn: (item: T) => unknown): number {
  const start = process.cpuUsage();
  for (const item of items) fn(item);
  const used = process.cpuUsage(start);
  return items.length / ((used.user + used.system) / 1e6);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A child process that printed `ready [port]`. */
export interface StartedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number | null;
}

/**
 * Starts `[command, ...args]` and resolves once its output matches `ready` (default: it prints `ready`,
 * optionally with a port; a first group that matched is read as the port).
 */
export function startProcess(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp = /^ready(?: (\d+))?$/m,
): Promise<StartedProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (!m) return;
      child.stdout.off('data', onData);
      child.stdout.resume(); // keep draining: a full pipe would block the server
      child.removeAllListeners('exit');
      resolve({ child, pid: child.pid!, port: m[1] ? Number(m[1]) : null });
    };
    child.stdout.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${command.join(' ')} exited ${code} before it was ready`)));
  });
}

/** Stops a started process (SIGTERM) and waits for it. */
export function stopProcess(p: StartedProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGTERM');
  });
}
