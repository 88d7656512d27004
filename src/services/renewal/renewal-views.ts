/** What the renewal service takes and shows (docs/renewal.md): policies, status, partner expiries, outcomes. */
import { renewalSourceText } from '../../core/index.ts';
import type { CertificateUsage, NextActionKind, RenewalPolicy, RenewalState } from '../../core/index.ts';

/** `certificate policy set`. */
export interface RenewalPolicyInput {
  readonly usage: string;
  readonly renewBeforeSeconds?: number | undefined;
  readonly rollLeadSeconds?: number | undefined;
  /** `internal`, `manual`, an https:// enrollment URL or `acme:<https directory URL>`. */
  readonly ca: string;
  readonly template?: string | undefined;
  readonly caAccount?: string | undefined;
  readonly caPassword?: string | undefined;
  readonly acmeEmail?: string | undefined;
}

/** A policy as shown (the enrollment password never is, only whether one is stored). */
export interface RenewalPolicyView {
  readonly usage: CertificateUsage;
  readonly ca: string;
  readonly renewBeforeSeconds: number;
  readonly rollLeadSeconds: number;
  readonly template: string | null;
  readonly caAccount: string | null;
  readonly hasCaPassword: boolean;
  readonly acmeEmail: string | null;
  readonly updatedAt: string;
}

/** Renewal status of one assignment. */
export interface RenewalStatus {
  readonly usage: CertificateUsage;
  readonly identity: string;
  readonly thumbprint: string | null;
  readonly notAfter: string | null;
  readonly daysToExpiry: number | null;
  readonly stagedThumbprint: string | null;
  readonly stagedEffectiveDate: string | null;
  readonly previousThumbprint: string | null;
  readonly previousNotAfter: string | null;
  /** The policy's source, or null without a policy. */
  readonly renewalSource: string | null;
  /** When the renewal window opens. */
  readonly renewAt: string | null;
  readonly nextAction: NextActionKind;
  readonly nextActionDate: string | null;
  readonly failures: number;
  readonly lastError: RenewalState['lastError'];
  readonly lastStaged: RenewalState['lastStaged'];
}

/** A partner whose newest published certificate expires soon. */
export interface PartnerExpiry {
  readonly partner: string;
  readonly thumbprint: string;
  readonly notAfter: string;
  readonly daysToExpiry: number;
}

/** What one pass did for one assignment. */
export interface RenewalOutcome {
  readonly usage: CertificateUsage;
  readonly identity: string;
  readonly result: 'staged' | 'retired-previous' | 'failed' | 'skipped' | 'warned-manual';
  readonly thumbprint?: string;
  readonly effectiveDate?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** A policy as shown: the sealed password only as a flag. */
export function policyView(p: RenewalPolicy): RenewalPolicyView {
  return {
    usage: p.usage,
    ca: renewalSourceText(p.source),
    renewBeforeSeconds: p.renewBeforeSeconds,
    rollLeadSeconds: p.rollLeadSeconds,
    template: p.template ?? null,
    caAccount: p.caAccount ?? null,
    hasCaPassword: p.caPassword !== undefined,
    acmeEmail: p.acmeEmail ?? null,
    updatedAt: p.updatedAt,
  };
}
