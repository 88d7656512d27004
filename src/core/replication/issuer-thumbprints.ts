/**
 * Which OAuthTokenIssuer certificates a node serves at an instant (docs/protocol.md §7). Uses the certificate
 * module's own resolution (staged → current once its effective date has passed), a pure function of
 * `now`: every node switches at the instant by its own clock, with no replication step.
 */
import type { CertificateAssignment } from '../certificates/certificate-assignment.ts';
import { resolveAssignment } from '../certificates/assignment-transitions.ts';
import type { IssuerThumbprints } from './pool-node.ts';

/** Current, previous and still-staged thumbprints of an assignment as they stand at `now`. */
export function issuerThumbprintsAt(
  assignment: CertificateAssignment | undefined,
  now: Date,
): IssuerThumbprints {
  if (assignment === undefined) return { current: null, previous: null, staged: null };
  const r = resolveAssignment(assignment, now);
  return { current: r.current, previous: r.previous, staged: r.staged?.thumbprint ?? null };
}
