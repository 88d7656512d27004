/**
 * CPU time of other processes, from /proc (Linux): what a server process tree and the load generator
 * actually used during a measurement. The machine is shared, so CPU per request is the figure that
 * noise from other processes disturbs least; elsewhere these return null and the report says so.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports

/** user + system CPU seconds of one process, or null when it is gone or /proc is absent. */
export function processCpuSeconds(pid: number): number | null {
  try {
    // Fields after the command name (which may hold spaces) — utime and stime are fields 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The process and all its descendants (a cluster primary and its workers), by parent pid. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [root];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const visit = (pid: number) => {
    out.push(pid);
    for (const child of parents.get(pid) ?? []) visit(child);
  };
  visit(root);
  return out;
}

/** CPU seconds per pid of a tree, for before/after differences. */
export function treeCpu(pids: readonly number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, processCpuSeconds(pid) ?? 0]));
}

/** Peak resident set size (VmHWM) of one process in bytes, or null when it is gone or /proc is absent. */
export function peakRssBytes(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
