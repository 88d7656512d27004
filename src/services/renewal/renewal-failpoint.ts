/**
 * Test-only crash points of automatic renewal (same contract as src/store/failpoint.ts): when the environment
 * variable S2S_FAILPOINT names a point, the process SIGKILLs itself there, so a test can prove that a node
 * dying mid-renewal leaves nothing or a complete staged successor (docs/renewal.md "Pools").
 */

/** After the lease is written; after the CA issued the successor, before it is stored. */
export type RenewalFailpointName = 'renewal.after-claim' | 'renewal.after-issue';

/** Kills the process at once when S2S_FAILPOINT equals `name`; otherwise does nothing. */
export function renewalFailpoint(name: RenewalFailpointName): void {
  if (process.env.S2S_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
