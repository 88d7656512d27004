/**
 * `S2S_HOME/server.json`: which process serves this home, where, since when. Written once the server
 * listens, removed when it stops; `s2s server status|stop` read it. A file left by a killed server is
 * recognised as stale because its process is gone.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the pid file holds. */
export interface ServerPidRecord {
  readonly pid: number;
  readonly url: string;
  readonly node: string;
  readonly startedAt: string;
  /** With `--workers N` ≥ 2 (docs/server.md "Workers"): N; `pid` is then the primary's. */
  readonly workers?: number;
}

/** The pid file of a home directory. */
export function serverPidPath(home: string): string {
  return join(home, 'server.json');
}

/** Writes the record for this process (mode 0600). */
export function writeServerPid(home: string, record: ServerPidRecord): void {
  writeFileSync(serverPidPath(home), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

/** The record, or undefined when there is no (readable) pid file. */
export function readServerPid(home: string): ServerPidRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(serverPidPath(home), 'utf8')) as Partial<ServerPidRecord>;
    if (typeof record.pid !== 'number' || typeof record.url !== 'string') return undefined;
    return {
      pid: record.pid,
      url: record.url,
      node: String(record.node ?? ''),
      startedAt: String(record.startedAt ?? ''),
      ...(typeof record.workers === 'number' ? { workers: record.workers } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Removes the pid file if it still names `pid` (a newer server's file is left alone). */
export function removeServerPid(home: string, pid: number): void {
  if (readServerPid(home)?.pid === pid) rmSync(serverPidPath(home), { force: true });
}

/** Whether a process with this pid runs (signal 0 probes without signalling). */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}
