/**
 * Test-only crash points of the request path (same contract as src/store/failpoint.ts): when the
 * environment variable S2S_FAILPOINT names a point, the process SIGKILLs itself there, so a test can
 * prove a request never outlives its private key.
 */

/** The crash points of certificate requests. */
export type CaFailpointName = 'ca.request.after-keygen' | 'ca.request.after-persist';

/** Kills the process at once when S2S_FAILPOINT equals `name`; otherwise does nothing. */
export function caFailpoint(name: CaFailpointName): void {
  if (process.env.S2S_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
