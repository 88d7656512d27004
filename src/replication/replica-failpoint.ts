/**
 * Test-only crash points of the replica apply path (same convention as src/store/failpoint.ts): when
 * S2S_FAILPOINT names a point, the process SIGKILLs itself there, exactly as `kill -9` would, so a test
 * can prove a node killed in the middle of applying a change comes back consistent (docs/replication.md).
 */

/** Where a pool node can be killed while applying a change. */
export type ReplicaFailpoint =
  /** The new replica is written and fsynced to its temp file, not yet renamed over the old one. */
  | 'replica.persist.before-rename'
  /** The new replica file is in place, but the node has not swapped its in-memory snapshot yet. */
  | 'replica.persist.after-rename';

/** Kills the process at once when S2S_FAILPOINT equals `name`. */
export function replicaFailpoint(name: ReplicaFailpoint): void {
  if (process.env.S2S_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
