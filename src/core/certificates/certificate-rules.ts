/**
 * The rules a certificate must pass to be assigned to a usage (issue 2 §6; protocol.md §5.4 and §7),
 * as one pure function of the certificate's facts, the target and `now`. Refusals throw; findings that
 * do not block come back as warnings.
 */
import type { Warning } from '../shared/warning.ts';
import type { CertificateInfo } from './certificate-info.ts';
import { certificateNamesDomain } from './certificate-info.ts';
import { certificateError } from './certificate-errors.ts';
import type { AnyUsage, CertificateIdentity } from './certificate-usage.ts';
import {
  GLOBAL_IDENTITY,
  GLOBAL_ONLY_USAGES,
  SIGNING_USAGES,
  STRONG_KEY_USAGES,
} from './certificate-usage.ts';

/** Thresholds, each declared once with its unit. */
export const CERTIFICATE_RULES = {
  /** Smallest RSA modulus for signing and web usages, bits. */
  minimumKeyBits: 2048,
  /** Warn when a roll takes effect sooner than this, ms (partners cache metadata for 24 h; protocol.md §7). */
  rollLeadTimeMs: 24 * 3600_000,
  /** Warn when the certificate expires within this, ms. */
  expiryWarningMs: 30 * 24 * 3600_000,
} as const;

/** What the rules look at. */
export interface AssignmentCheck {
  readonly info: CertificateInfo;
  readonly hasPrivateKey: boolean;
  readonly usage: AnyUsage;
  readonly identity: CertificateIdentity;
  readonly now: Date;
  /** For a roll: when the certificate becomes current. */
  readonly effectiveDate?: Date;
  /** The SIP domain (OAuth realm), when the deployment is initialized. */
  readonly realm?: string;
  readonly sha1Policy: 'warn' | 'error';
}

/** Applies every rule; throws the first refusal, returns the warnings. */
export function checkAssignment(check: AssignmentCheck): Warning[] {
  checkScope(check);
  checkKey(check);
  checkValidity(check);
  return [...signatureWarnings(check), ...realmWarnings(check), ...timingWarnings(check)];
}

function checkScope({ usage, identity }: AssignmentCheck): void {
  if (GLOBAL_ONLY_USAGES.has(usage) && identity !== GLOBAL_IDENTITY) {
    throw certificateError(
      'ERR_CERTIFICATE_GLOBAL_ONLY',
      `${usage} can only be assigned at --identity global, not ${identity}`,
      { usage, identity },
    );
  }
}

function checkKey({ info, hasPrivateKey, usage }: AssignmentCheck): void {
  const t = info.thumbprint;
  if (SIGNING_USAGES.has(usage) && !hasPrivateKey) {
    throw certificateError(
      'ERR_CERTIFICATE_NO_PRIVATE_KEY',
      `certificate ${t} has no private key, which ${usage} needs`,
      { thumbprint: t, usage },
    );
  }
  if (usage === 'OAuthTokenIssuer' && info.keyAlgorithm !== 'RSA') {
    throw certificateError(
      'ERR_CERTIFICATE_KEY_ALGORITHM',
      `certificate ${t} has a ${info.keyAlgorithm} key; OAuthTokenIssuer signs RS256 and needs RSA`,
      { thumbprint: t },
    );
  }
  if (
    STRONG_KEY_USAGES.has(usage) &&
    info.keyAlgorithm === 'RSA' &&
    info.keySize < CERTIFICATE_RULES.minimumKeyBits
  ) {
    throw certificateError(
      'ERR_CERTIFICATE_KEY_TOO_SMALL',
      `certificate ${t} has a ${info.keySize}-bit key; ${usage} needs at least ${CERTIFICATE_RULES.minimumKeyBits} bits`,
      { thumbprint: t, keySize: info.keySize, usage },
    );
  }
}

function checkValidity({ info, now, effectiveDate }: AssignmentCheck): void {
  const t = info.thumbprint;
  const from = effectiveDate ?? now;
  if (info.notAfter.getTime() <= now.getTime() || info.notAfter.getTime() <= from.getTime()) {
    throw certificateError(
      'ERR_CERTIFICATE_EXPIRED',
      `certificate ${t} expired (or expires) on ${info.notAfter.toISOString()}`,
      {
        thumbprint: t,
        notAfter: info.notAfter.toISOString(),
      },
    );
  }
  if (info.notBefore.getTime() > from.getTime()) {
    throw certificateError(
      'ERR_CERTIFICATE_NOT_YET_VALID',
      `certificate ${t} is not valid before ${info.notBefore.toISOString()}`,
      {
        thumbprint: t,
        notBefore: info.notBefore.toISOString(),
      },
    );
  }
}

function signatureWarnings({ info, sha1Policy }: AssignmentCheck): Warning[] {
  if (!info.weakSignature) return [];
  if (sha1Policy === 'error') {
    throw certificateError(
      'ERR_CERTIFICATE_SHA1_SIGNATURE',
      `certificate ${info.thumbprint} is signed with ${info.signatureAlgorithm}, which the SHA-1 policy forbids`,
      {
        thumbprint: info.thumbprint,
      },
    );
  }
  return [
    {
      code: 'WARN_CERTIFICATE_SHA1_SIGNATURE',
      message: `certificate ${info.thumbprint} is signed with ${info.signatureAlgorithm}`,
      details: { thumbprint: info.thumbprint },
    },
  ];
}

function realmWarnings({ info, usage, realm }: AssignmentCheck): Warning[] {
  if (usage !== 'OAuthTokenIssuer' || !realm || certificateNamesDomain(info, realm)) return [];
  return [
    {
      code: 'WARN_CERTIFICATE_REALM_NOT_IN_NAMES',
      message: `the OAuthTokenIssuer certificate names the SIP domain ${realm} neither in its Subject nor in its SANs`,
      details: { realm },
    },
  ];
}

function timingWarnings({ info, now, effectiveDate }: AssignmentCheck): Warning[] {
  const warnings: Warning[] = [];
  if (effectiveDate && effectiveDate.getTime() - now.getTime() < CERTIFICATE_RULES.rollLeadTimeMs) {
    warnings.push({
      code: 'WARN_CERTIFICATE_EFFECTIVE_DATE_SOON',
      message: `the roll takes effect in less than 24 hours (${effectiveDate.toISOString()}); partners may still cache the old certificate`,
      details: { effectiveDate: effectiveDate.toISOString() },
    });
  }
  warnings.push(...expiryWarnings(info, now));
  return warnings;
}

/** WARN_CERTIFICATE_EXPIRES_SOON when the certificate ends within 30 days of `now` (or has ended). */
export function expiryWarnings(info: CertificateInfo, now: Date): Warning[] {
  if (info.notAfter.getTime() - now.getTime() >= CERTIFICATE_RULES.expiryWarningMs) return [];
  return [
    {
      code: 'WARN_CERTIFICATE_EXPIRES_SOON',
      message: `certificate ${info.thumbprint} expires on ${info.notAfter.toISOString()}`,
      details: { thumbprint: info.thumbprint, notAfter: info.notAfter.toISOString() },
    },
  ];
}
