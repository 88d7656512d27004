/**
 * Renewal policy of a certificate usage (docs/renewal.md): when a certificate enters its renewal window, from
 * which source its successor comes, and how far ahead the successor is staged (docs/protocol.md §7: partners
 * cache metadata for up to 24 h). Document kind `renewal-policy`, key: the usage.
 */
import type { SealedSecret } from '../shared/secret-box.ts';
import { certificateError } from './certificate-errors.ts';
import type { CertificateUsage } from './certificate-usage.ts';
import { CERTIFICATE_USAGES } from './certificate-usage.ts';

/** Where a successor comes from. `manual`: nowhere, s2s only warns. */
export type RenewalSource =
  | { readonly kind: 'internal' }
  | { readonly kind: 'enrollment'; readonly url: string }
  | { readonly kind: 'acme'; readonly directoryUrl: string }
  | { readonly kind: 'manual' };

export interface RenewalPolicy {
  readonly usage: CertificateUsage;
  /** The renewal window: renewal starts this many seconds before the current certificate expires. */
  readonly renewBeforeSeconds: number;
  /** The successor becomes current this many seconds after it is staged (and published). */
  readonly rollLeadSeconds: number;
  readonly source: RenewalSource;
  /** CA template (built-in CA and enrollment; default WebServer). */
  readonly template?: string | undefined;
  /** Enrollment account name. */
  readonly caAccount?: string | undefined;
  /** Enrollment account password, sealed under the master key (AAD {@link renewalPasswordAad}). */
  readonly caPassword?: SealedSecret | undefined;
  /** ACME account contact. */
  readonly acmeEmail?: string | undefined;
  readonly updatedAt: string;
}

/** Defaults and limits, each declared once with its unit. */
export const RENEWAL_DEFAULTS = {
  /** Default renewal window, seconds (30 days). */
  renewBeforeSeconds: 30 * 86_400,
  /** Default roll lead time, seconds (48 h: partners cache metadata for up to 24 h, docs/protocol.md §7). */
  rollLeadSeconds: 48 * 3600,
  /** First retry delay after a failed renewal, seconds; doubled per consecutive failure. */
  retryInitialSeconds: 5 * 60,
  /** Longest retry delay, seconds. */
  retryMaxSeconds: 6 * 3600,
  /** How long a node's claim on a renewal (its lease) lasts, seconds; another node may take over after it. */
  leaseSeconds: 10 * 60,
  /** A staged successor switches at least this long before the current certificate expires, seconds. */
  switchMarginSeconds: 3600,
  /** Days to expiry at which a log line is written while no successor is staged (docs/renewal.md "Alerts"). */
  alertDays: [30, 14, 7, 3, 1] as readonly number[],
  /** Days to expiry of a partner's newest certificate below which it is reported. */
  partnerAlertDays: 30,
} as const;

/** Additional authenticated data of a policy's sealed enrollment password. */
export function renewalPasswordAad(usage: CertificateUsage): string {
  return `renewal-policy/${usage}`;
}

/** The usage a policy may name: the four usages s2s signs or serves TLS with (case-insensitive). */
export function renewalUsage(name: string): CertificateUsage {
  const usage = CERTIFICATE_USAGES.find((u) => u.toLowerCase() === name.trim().toLowerCase());
  if (!usage)
    throw certificateError(
      'ERR_CERTIFICATE_RENEWAL_POLICY_INVALID',
      `renewal applies to ${CERTIFICATE_USAGES.join(', ')}; ${JSON.stringify(name)} is none of them`,
      { type: name },
    );
  return usage;
}

/** `--ca`: `internal`, `manual`, `acme:<https directory URL>` (or `acme+https://…`), or an https:// enrollment URL. */
export function parseRenewalSource(text: string): RenewalSource {
  const value = text.trim();
  if (value === 'internal' || value === 'manual') return { kind: value };
  const acme = /^acme(?::|\+)(https:\/\/.+)$/.exec(value);
  const url = acme ? acme[1]! : value;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol === 'https:')
    return acme ? { kind: 'acme', directoryUrl: url } : { kind: 'enrollment', url };
  throw certificateError(
    'ERR_CERTIFICATE_RENEWAL_POLICY_INVALID',
    `--ca ${JSON.stringify(text)} is not internal, manual, an https:// enrollment URL or acme:https://…/directory`,
    { field: 'ca' },
  );
}

/** The source as `--ca` names it. */
export function renewalSourceText(source: RenewalSource): string {
  switch (source.kind) {
    case 'internal':
    case 'manual':
      return source.kind;
    case 'enrollment':
      return source.url;
    case 'acme':
      return `acme:${source.directoryUrl}`;
  }
}

/** Refuses a window not longer than the lead time, and non-positive durations. */
export function checkRenewalTimes(renewBeforeSeconds: number, rollLeadSeconds: number): void {
  if (!Number.isSafeInteger(renewBeforeSeconds) || renewBeforeSeconds <= 0)
    throw certificateError('ERR_CERTIFICATE_RENEWAL_POLICY_INVALID', '--renew-before must be positive', {
      field: 'renew-before',
    });
  if (!Number.isSafeInteger(rollLeadSeconds) || rollLeadSeconds < 0)
    throw certificateError('ERR_CERTIFICATE_RENEWAL_POLICY_INVALID', '--roll-lead must not be negative', {
      field: 'roll-lead',
    });
  if (renewBeforeSeconds <= rollLeadSeconds)
    throw certificateError(
      'ERR_CERTIFICATE_RENEWAL_POLICY_INVALID',
      `--renew-before (${renewBeforeSeconds} s) must be longer than --roll-lead (${rollLeadSeconds} s): the successor must be staged and published a full lead time before the current certificate expires`,
      { renewBeforeSeconds, rollLeadSeconds },
    );
}
