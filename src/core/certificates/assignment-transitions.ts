/**
 * The mechanics of certificate rollover (docs/protocol.md §7), as pure functions of `now`: nothing has to run
 * at the effective date, because every reader resolves the assignment against its own clock.
 * States: current, previous, and a staged roll with its effective date (docs/architecture.md, convention 7).
 */
import type { CertificateAssignment } from './certificate-assignment.ts';
import type { AnyUsage, CertificateIdentity } from './certificate-usage.ts';
import { certificateError } from './certificate-errors.ts';

/** What a transition produced, and whether it dropped a staged roll. */
export interface TransitionResult {
  readonly assignment: CertificateAssignment;
  readonly cancelledStaged: boolean;
}

/** Nothing assigned yet. */
export function emptyAssignment(usage: AnyUsage, identity: CertificateIdentity): CertificateAssignment {
  return { usage, identity, current: null, currentSince: null, previous: null, staged: null };
}

/** The assignment as it stands at `now`: a staged roll whose effective date has come is current. */
export function resolveAssignment(a: CertificateAssignment, now: Date): CertificateAssignment {
  if (!a.staged || Date.parse(a.staged.effectiveDate) > now.getTime()) return a;
  return {
    ...a,
    current: a.staged.thumbprint,
    currentSince: a.staged.effectiveDate,
    previous: a.current ?? a.previous,
    staged: null,
  };
}

/** Set-CsCertificate without -Roll: current at once, the old current becomes previous; a staged roll is dropped. */
export function setCurrent(a: CertificateAssignment, thumbprint: string, now: Date): TransitionResult {
  const r = resolveAssignment(a, now);
  const cancelledStaged = r.staged !== null;
  if (r.current === thumbprint) return { assignment: { ...r, staged: null }, cancelledStaged };
  return {
    assignment: {
      ...r,
      current: thumbprint,
      currentSince: now.toISOString(),
      previous: r.current ?? r.previous,
      staged: null,
    },
    cancelledStaged,
  };
}

/** Set-CsCertificate -Roll -EffectiveDate: stages `thumbprint` to become current at `effectiveDate`. */
export function stageRoll(
  a: CertificateAssignment,
  thumbprint: string,
  effectiveDate: Date,
  now: Date,
): TransitionResult {
  if (effectiveDate.getTime() <= now.getTime()) {
    throw certificateError(
      'ERR_CERTIFICATE_ROLL_DATE_PAST',
      `the effective date ${effectiveDate.toISOString()} is not in the future`,
      {
        effectiveDate: effectiveDate.toISOString(),
      },
    );
  }
  const r = resolveAssignment(a, now);
  if (r.current === thumbprint)
    throw certificateError(
      'ERR_CERTIFICATE_ROLL_SAME',
      `${thumbprint} is already the current ${a.usage} certificate`,
    );
  return {
    assignment: { ...r, staged: { thumbprint, effectiveDate: effectiveDate.toISOString() } },
    cancelledStaged: r.staged !== null && r.staged.thumbprint !== thumbprint,
  };
}

/**
 * Remove-CsCertificate: without `previous`, the usage is un-assigned entirely (current, previous and any
 * staged roll; returns null); with `previous`, only the previous certificate is dropped.
 */
export function removeAssignment(
  a: CertificateAssignment | null,
  previous: boolean,
  now: Date,
): CertificateAssignment | null {
  const r = a ? resolveAssignment(a, now) : null;
  if (!r || (r.current === null && r.staged === null && r.previous === null)) {
    throw certificateError(
      'ERR_CERTIFICATE_NOT_ASSIGNED',
      `no certificate is assigned to ${a?.usage ?? 'this usage'}`,
    );
  }
  if (!previous) return null;
  if (r.previous === null)
    throw certificateError(
      'ERR_CERTIFICATE_NOT_ASSIGNED',
      `${r.usage} at ${r.identity} has no previous certificate`,
    );
  return { ...r, previous: null };
}

/** Every thumbprint the assignment refers to (current, previous, staged). */
export function assignedThumbprints(a: CertificateAssignment): string[] {
  return [a.current, a.previous, a.staged?.thumbprint ?? null].filter((t): t is string => t !== null);
}
