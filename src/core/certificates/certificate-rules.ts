/**
 * The rules a certificate must pass to be assigned to a usage (docs/certificates.md; docs/protocol.md §5.4 and §7),
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
  /** Warn when a roll takes effect sooner than this, ms (partners cache metadata for 24 h; docs/protocol.md §7). */
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
  /** For a roll: whether a certificate serves the usage now (false: nothing to roll from). */
  readonly hasCurrent?: boolean;
  /** Host names a TLS usage must answer for (the deployment's host names; a server FQDN for its own). */
  readonly hostNames?: readonly string[];
  readonly sha1Policy: 'warn' | 'error';
}

/** Applies every rule; throws the first refusal, returns the warnings. */
export function checkAssignment(check: AssignmentCheck): Warning[] {
  checkScope(check);
  checkRole(check);
  checkKey(check);
  checkValidity(check);
  return [
    ...signatureWarnings(check),
    ...realmWarnings(check),
    ...nameWarnings(check),
    ...timingWarnings(check),
  ];
}

/** Usages whose certificate serves TLS for the deployment's host names. */
const TLS_USAGES: ReadonlySet<AnyUsage> = new Set<AnyUsage>([
  'Default',
  'WebServicesInternal',
  'WebServicesExternal',
]);

/** Whether a certificate DNS name (maybe `*.` wildcard, one label) covers `host` (RFC 6125 §6.4.3). */
export function dnsNameCovers(name: string, host: string): boolean {
  const n = name.toLowerCase();
  const h = host.toLowerCase();
  if (!n.startsWith('*.')) return n === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === n.slice(2);
}

function nameWarnings({ info, usage, hostNames }: AssignmentCheck): Warning[] {
  if (!TLS_USAGES.has(usage) || !hostNames || hostNames.length === 0) return [];
  const missing = hostNames.filter((h) => !info.dnsNames.some((n) => dnsNameCovers(n, h)));
  if (missing.length === 0) return [];
  return [
    {
      code: 'WARN_CERTIFICATE_NAMES_NOT_COVERED',
      message: `the ${usage} certificate's DNS names (${info.dnsNames.join(', ') || 'none'}) do not cover ${missing.join(', ')}: TLS clients will refuse it for ${missing.length === 1 ? 'that name' : 'those names'}`,
      details: { usage, missing, dnsNames: info.dnsNames },
    },
  ];
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

/**
 * An end entity for every usage s2s acts on (docs/security.md §6.2): a CA certificate (RFC 5280
 * §4.2.1.9 cA) never signs tokens or serves TLS, and the token issuer's key usage, when present, must
 * allow digitalSignature (RFC 5280 §4.2.1.3: a certificate limited to keyCertSign/cRLSign signs nothing else).
 */
function checkRole({ info, usage }: AssignmentCheck): void {
  const t = info.thumbprint;
  if (SIGNING_USAGES.has(usage) && info.isCa) {
    throw certificateError(
      'ERR_CERTIFICATE_IS_CA',
      `certificate ${t} is a certification authority (CA:TRUE); ${usage} needs an end-entity certificate`,
      { thumbprint: t, usage },
    );
  }
  if (
    usage === 'OAuthTokenIssuer' &&
    info.keyUsage.length > 0 &&
    !info.keyUsage.includes('digitalSignature')
  ) {
    throw certificateError(
      'ERR_CERTIFICATE_KEY_USAGE',
      `certificate ${t} allows only ${info.keyUsage.join(', ')}; ${usage} signs tokens and needs digitalSignature`,
      { thumbprint: t, usage, keyUsage: info.keyUsage },
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

function timingWarnings({ info, now, effectiveDate, hasCurrent, usage }: AssignmentCheck): Warning[] {
  const warnings: Warning[] = [];
  if (effectiveDate && hasCurrent === false) {
    // Nothing to roll from: no "old certificate" partners could cache, but nothing serves until then.
    warnings.push({
      code: 'WARN_CERTIFICATE_ROLL_WITHOUT_CURRENT',
      message: `no certificate is assigned to ${usage} yet, so none serves it until the roll takes effect (${effectiveDate.toISOString()})`,
      details: { usage, effectiveDate: effectiveDate.toISOString() },
    });
  } else if (effectiveDate && effectiveDate.getTime() - now.getTime() < CERTIFICATE_RULES.rollLeadTimeMs) {
    warnings.push({
      code: 'WARN_CERTIFICATE_EFFECTIVE_DATE_SOON',
      message: `the roll takes effect in less than 24 hours (${effectiveDate.toISOString()}); partners may still cache the old certificate`,
      details: { effectiveDate: effectiveDate.toISOString() },
    });
  }
  warnings.push(...expiryWarnings(info, now));
  return warnings;
}

/** True when a certificate ending at `notAfter` ends within the warning period (30 days) of `now`, or has ended. */
export function expiresSoon(notAfter: Date, now: Date): boolean {
  return notAfter.getTime() - now.getTime() < CERTIFICATE_RULES.expiryWarningMs;
}

/** WARN_CERTIFICATE_EXPIRES_SOON when the certificate ends within 30 days of `now` (or has ended). */
export function expiryWarnings(info: CertificateInfo, now: Date): Warning[] {
  if (!expiresSoon(info.notAfter, now)) return [];
  return [
    {
      code: 'WARN_CERTIFICATE_EXPIRES_SOON',
      message: `certificate ${info.thumbprint} expires on ${info.notAfter.toISOString()}`,
      details: { thumbprint: info.thumbprint, notAfter: info.notAfter.toISOString() },
    },
  ];
}
