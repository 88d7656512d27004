/**
 * Test-only crash points in the write path (docs/store.md §Failpoints). When the environment variable
 * S2S_FAILPOINT names a point, the process SIGKILLs itself there, so a test can prove that a process
 * killed in the middle of a write leaves the store as it was before or after the batch (docs/store.md).
 * SIGKILL, not an exception: no `finally`, no ROLLBACK, no exit handler may run, exactly as with kill -9.
 */

/** The crash points the SQL stores pass through on every write batch. */
export type FailpointName = 'store.write.before-commit' | 'store.write.after-commit';

/** Kills the process at once when S2S_FAILPOINT equals `name`; otherwise does nothing. */
export function failpoint(name: FailpointName): void {
  if (process.env.S2S_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
