/**
 * The status the request wizard shows after issuance or import (docs/ca.md, request step 7): issued and valid,
 * or why not — root CA not trusted, private key missing, key usage unfit for the usage, chain incomplete.
 * A pure function of the certificates, the trusted roots and the usages.
 */
import type { ParsedCertificate } from './certificate-chain.ts';
import { orderChain } from './certificate-chain.ts';
import { EKU_OIDS } from './certificate-template.ts';
import { x509 } from './x509.ts';

/** Every status, most serious first. */
export const CERTIFICATE_STATUSES = [
  'chain-incomplete',
  'untrusted-root',
  'missing-private-key',
  'usage-mismatch',
  'valid',
] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** Usages that present the certificate as a TLS server (docs/protocol.md §5.4). */
const WEB_USAGES = new Set(['Default', 'WebServicesInternal', 'WebServicesExternal']);
const ANY_EKU = '2.5.29.37.0';

export interface StatusInput {
  readonly leaf: ParsedCertificate;
  readonly chain: readonly ParsedCertificate[];
  readonly trustedRoots: readonly ParsedCertificate[];
  readonly hasPrivateKey: boolean;
  readonly usages: readonly string[];
}

export interface StatusReport {
  /** The most serious finding, or `valid`. */
  readonly status: CertificateStatus;
  /** Every finding (empty when valid). */
  readonly problems: readonly Exclude<CertificateStatus, 'valid'>[];
  /** The self-signed root the chain ends in, when it is not trusted (what `trusted-root add` needs). */
  readonly untrustedRoot?: ParsedCertificate;
  /** Usages the key usage / EKU does not fit. */
  readonly unfitUsages: readonly string[];
}

/** Assesses a certificate as the wizard's status page does. */
export async function assessCertificate(input: StatusInput): Promise<StatusReport> {
  const problems: Array<Exclude<CertificateStatus, 'valid'>> = [];
  const trusted = new Set(input.trustedRoots.map((r) => r.thumbprint));
  const path = await orderChain(input.leaf, [...input.chain, ...input.trustedRoots]);
  const top = path.chain[path.chain.length - 1] ?? input.leaf;
  let untrustedRoot: ParsedCertificate | undefined;
  if (!path.reachesRoot) problems.push('chain-incomplete');
  else if (!trusted.has(top.thumbprint)) {
    problems.push('untrusted-root');
    untrustedRoot = top;
  }
  if (!input.hasPrivateKey) problems.push('missing-private-key');
  const unfitUsages = input.usages.filter((u) => !usageFits(input.leaf.cert, u));
  if (unfitUsages.length > 0) problems.push('usage-mismatch');
  const status = problems[0] ?? 'valid';
  return untrustedRoot ? { status, problems, untrustedRoot, unfitUsages } : { status, problems, unfitUsages };
}

/**
 * Whether the key usage and EKU let a certificate serve a usage (RFC 5280 §4.2.1.3, §4.2.1.12): never a
 * CA certificate; TLS
 * usages need digitalSignature or keyEncipherment and, when an EKU is present, serverAuth; the token
 * issuer signs (RS256), so it needs digitalSignature when a key usage is present.
 */
export function usageFits(cert: x509.X509Certificate, usage: string): boolean {
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  // A CA certificate never signs tokens or serves TLS (docs/security.md §6.2).
  if (
    (usage === 'OAuthTokenIssuer' || WEB_USAGES.has(usage)) &&
    cert.getExtension(x509.BasicConstraintsExtension)?.ca
  )
    return false;
  if (usage === 'OAuthTokenIssuer') return !ku || (ku.usages & x509.KeyUsageFlags.digitalSignature) !== 0;
  if (!WEB_USAGES.has(usage)) return true;
  const kuOk =
    !ku || (ku.usages & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment)) !== 0;
  const ekuOids = eku?.usages.map(String) ?? [];
  const ekuOk = !eku || ekuOids.includes(EKU_OIDS.serverAuth!) || ekuOids.includes(ANY_EKU);
  return kuOk && ekuOk;
}
