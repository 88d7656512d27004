// What a test file left running after its process ended: processes of its process group or carrying its
// run token in their environment, and the TCP ports they listen on. Linux /proc only; elsewhere the
// process-group probe alone answers.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The pids (other than the runner's) in process group `pgid` or whose environment holds `token`. */
export function leftoverPids(pgid, token) {
  let entries;
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return groupAlive(pgid) ? [pgid] : [];
  }
  const found = [];
  for (const name of entries) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    if (processGroup(pid) === pgid || environmentHas(pid, token)) found.push(pid);
  }
  return found;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function processGroup(pid) {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : Number(fields[2]);
  } catch {
    return undefined;
  }
}

function environmentHas(pid, token) {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1')
      .split('\0')
      .includes(`S2S_TEST_FILE_TOKEN=${token}`);
  } catch {
    return false;
  }
}

/** One line describing a process: pid, command line (shortened), listening TCP ports. */
export function describeProcess(pid, listening) {
  let command = '?';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    /* gone meanwhile */
  }
  if (command.length > 160) command = command.slice(0, 157) + '...';
  const ports = socketInodes(pid)
    .map((inode) => listening.get(inode))
    .filter(Boolean);
  return `pid ${pid} ${command}${ports.length ? ` listening on ${ports.join(', ')}` : ''}`;
}

function socketInodes(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** Listening TCP sockets of the machine: inode → "address:port". */
export function listeningSockets() {
  const map = new Map();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] !== '0A') continue; // TCP_LISTEN
      const [hexAddr, hexPort] = cols[1].split(':');
      map.set(cols[9], `${decodeAddress(hexAddr)}:${parseInt(hexPort, 16)}`);
    }
  }
  return map;
}

function decodeAddress(hex) {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  if (hex === '00000000000000000000000000000000') return '[::]';
  return hex === '00000000000000000000000001000000' ? '[::1]' : `[${hex}]`;
}

/** Sends SIGKILL to each pid (and to the group); resolves once they are gone (or after `graceMs`). */
export async function killAll(pgid, pids, graceMs) {
  for (const target of [-pgid, ...pids]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + graceMs;
  while (pids.some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** True while `pid` exists and is not a zombie waiting to be reaped. */
export function running(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (err) {
    if (err.code === 'ENOENT') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}
