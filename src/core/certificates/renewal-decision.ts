/**
 * What automatic renewal does next for one assignment, as a pure function of the stored state and `now`
 * (docs/renewal.md; docs/architecture.md, convention 6). The runner (src/services/renewal) only carries out
 * the action this returns; the switch to a staged successor needs no action at all, because every reader
 * resolves the assignment against its own clock (assignment-transitions.ts).
 */
import type { CertificateAssignment } from './certificate-assignment.ts';
import type { RenewalPolicy } from './renewal-policy.ts';
import { RENEWAL_DEFAULTS } from './renewal-policy.ts';

/** Per-assignment renewal bookkeeping. Document kind `renewal`, key `${identity}/${usage}`. */
export interface RenewalState {
  readonly identity: string;
  readonly usage: string;
  /** Consecutive failed attempts (0 after a success). */
  readonly failures: number;
  readonly lastAttemptAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastError: { readonly code: string; readonly message: string; readonly at: string } | null;
  /** No attempt before this instant (back-off after a failure). */
  readonly retryAt: string | null;
  /** A node working on the renewal, until when (leadership through the central store). */
  readonly lease: { readonly node: string; readonly until: string } | null;
  /** The last successor this renewal staged. */
  readonly lastStaged: {
    readonly thumbprint: string;
    readonly stagedAt: string;
    readonly effectiveDate: string;
  } | null;
}

/** The dates of one certificate the decision looks at. */
export interface CertificateDates {
  readonly thumbprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface RenewalFacts {
  readonly policy: RenewalPolicy | null;
  /** The assignment resolved at `now`. */
  readonly assignment: CertificateAssignment;
  readonly current: CertificateDates | null;
  readonly state: RenewalState | null;
  /** How long a token we signed can still be accepted after it was issued (longest lifetime + skew), seconds. */
  readonly tokenValiditySeconds: number;
  /** This node, to tell its own lease from another's. */
  readonly node: string;
  readonly now: Date;
}

/** What the administrator is told comes next (`certificate get` NextAction / NextActionDate). */
export type NextActionKind =
  | 'none' // no policy, or nothing assigned
  | 'renew' // automatic renewal at `at`
  | 'renew-manually' // manual policy: the administrator renews, from `at`
  | 'retry' // a failed renewal is retried at `at`
  | 'in-progress' // another node holds the renewal lease until `at`
  | 'switch' // the staged successor becomes current at `at`
  | 'retire-previous'; // the previous certificate is removed at `at`

export interface NextAction {
  readonly kind: NextActionKind;
  readonly at: Date | null;
}

/** What the runner does now. */
export type RenewalAction =
  | { readonly kind: 'wait' }
  | { readonly kind: 'warn-manual' }
  | {
      readonly kind: 'renew';
      /** When the successor becomes current (at most the policy lead, never after the switch margin). */
      readonly effectiveDate: Date;
      readonly leadShortened: boolean;
    }
  | { readonly kind: 'retire-previous' };

export interface RenewalDecision {
  readonly action: RenewalAction;
  readonly next: NextAction;
  /** The instant the renewal window opens for the current certificate (null without policy or current). */
  readonly renewAt: Date | null;
}

const SECOND = 1000;

/** Decides; see the file comment. */
export function decideRenewal(f: RenewalFacts): RenewalDecision {
  const { policy, assignment: a, current, now } = f;
  const t = now.getTime();
  if (!policy || !current || a.current === null)
    return { action: { kind: 'wait' }, next: { kind: 'none', at: null }, renewAt: null };
  const renewAt = new Date(current.notAfter.getTime() - policy.renewBeforeSeconds * SECOND);
  const retireAt = retirePreviousAt(f);
  if (retireAt !== null && retireAt.getTime() <= t && policy.source.kind !== 'manual')
    return { action: { kind: 'retire-previous' }, next: { kind: 'retire-previous', at: now }, renewAt };
  const later = (n: NextAction): NextAction =>
    retireAt !== null && policy.source.kind !== 'manual' && n.at !== null && retireAt < n.at
      ? { kind: 'retire-previous', at: retireAt }
      : n;
  if (a.staged)
    return {
      action: { kind: 'wait' },
      next: later({ kind: 'switch', at: new Date(a.staged.effectiveDate) }),
      renewAt,
    };
  if (t < renewAt.getTime())
    return {
      action: { kind: 'wait' },
      next: later({ kind: policy.source.kind === 'manual' ? 'renew-manually' : 'renew', at: renewAt }),
      renewAt,
    };
  if (policy.source.kind === 'manual')
    return { action: { kind: 'warn-manual' }, next: { kind: 'renew-manually', at: now }, renewAt };
  const lease = f.state?.lease;
  if (lease && lease.node !== f.node && Date.parse(lease.until) > t)
    return { action: { kind: 'wait' }, next: { kind: 'in-progress', at: new Date(lease.until) }, renewAt };
  const retryAt = f.state?.retryAt ? Date.parse(f.state.retryAt) : Number.NaN;
  if (retryAt > t)
    return { action: { kind: 'wait' }, next: { kind: 'retry', at: new Date(retryAt) }, renewAt };
  const { effectiveDate, leadShortened } = successorEffectiveDate(policy, current, now);
  return {
    action: { kind: 'renew', effectiveDate, leadShortened },
    next: { kind: 'renew', at: now },
    renewAt,
  };
}

/**
 * When a successor staged now becomes current: the lead time ahead, but never later than the switch
 * margin before the current certificate expires (signing with an expired certificate fails every partner
 * at once, a short lead only those that cached metadata), and never in the past. The margin is an hour,
 * or half the slack the policy leaves (window minus lead) when that is shorter.
 */
export function successorEffectiveDate(
  policy: Pick<RenewalPolicy, 'rollLeadSeconds' | 'renewBeforeSeconds'>,
  current: CertificateDates,
  now: Date,
): { effectiveDate: Date; leadShortened: boolean } {
  const wanted = now.getTime() + policy.rollLeadSeconds * SECOND;
  const margin = Math.min(
    RENEWAL_DEFAULTS.switchMarginSeconds,
    Math.max(0, (policy.renewBeforeSeconds - policy.rollLeadSeconds) / 2),
  );
  const latest = current.notAfter.getTime() - margin * SECOND;
  const at = Math.max(Math.min(wanted, latest), now.getTime() + SECOND);
  return { effectiveDate: new Date(at), leadShortened: at < wanted };
}

/**
 * When the previous certificate may go: once no token it signed can still be valid — the longest token
 * lifetime plus the clock skew after the successor became current. Null when there is no previous one.
 */
export function retirePreviousAt(f: Pick<RenewalFacts, 'assignment' | 'tokenValiditySeconds'>): Date | null {
  const a = f.assignment;
  if (a.previous === null || a.currentSince === null) return null;
  return new Date(Date.parse(a.currentSince) + f.tokenValiditySeconds * SECOND);
}

/** The retry delay after `failures` consecutive failures (exponential, capped), seconds. */
export function retryDelaySeconds(failures: number): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  return Math.min(RENEWAL_DEFAULTS.retryInitialSeconds * 2 ** exponent, RENEWAL_DEFAULTS.retryMaxSeconds);
}

/**
 * The alert threshold (days, docs/renewal.md "Alerts") a certificate with `daysToExpiry` left has crossed,
 * or null while it is above the highest one.
 */
export function alertThreshold(daysToExpiry: number): number | null {
  const crossed = RENEWAL_DEFAULTS.alertDays.filter((d) => daysToExpiry <= d);
  return crossed.length === 0 ? null : Math.min(...crossed);
}

/** A fresh state for an assignment. */
export function emptyRenewalState(identity: string, usage: string): RenewalState {
  return {
    identity,
    usage,
    failures: 0,
    lastAttemptAt: null,
    lastSuccessAt: null,
    lastError: null,
    retryAt: null,
    lease: null,
    lastStaged: null,
  };
}
