/**
 * Which OAuthTokenIssuer certificates a node serves at an instant (protocol.md §7): once a staged roll's
 * effective date has passed, the staged certificate is current and the old current is previous. A pure
 * function of `now`, so every node switches at the instant by its own clock, with no replication step.
 */
import type { CertificateAssignment } from '../certificates/certificate-assignment.ts';
import type { IssuerThumbprints } from './pool-node.ts';

/** Current, previous and still-staged thumbprints of an assignment as they stand at `now`. */
export function issuerThumbprintsAt(assignment: CertificateAssignment | undefined, now: Date): IssuerThumbprints {
  if (assignment === undefined) return { current: null, previous: null, staged: null };
  const staged = assignment.staged;
  if (staged !== null && Date.parse(staged.effectiveDate) <= now.getTime()) {
    return { current: staged.thumbprint, previous: assignment.current ?? assignment.previous, staged: null };
  }
  return { current: assignment.current, previous: assignment.previous, staged: staged?.thumbprint ?? null };
}
