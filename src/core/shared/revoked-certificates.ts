/**
 * Revocation of the deployment's own CA certificates on outbound TLS (docs/security.md "Built-in CA and
 * outbound trust"). s2s trusts its built-in CA for TLS only when the administrator chose so
 * (`ca init --trust-for-tls` or `trusted-root add`); whenever it does, a certificate that CA revoked must
 * not be accepted, whatever OpenSSL's chain check says (OpenSSL sees no CRL: RFC 5280 §6.3 is ours to do).
 * Revoked certificates are named by the SHA-256 of their DER, so a serial number issued by another CA can
 * never collide with ours.
 */
import { createHash } from 'node:crypto';
import { checkServerIdentity } from 'node:tls';
import type { PeerCertificate } from 'node:tls';

/** SHA-256 (hex) of certificates' DER that the deployment's CA revoked. */
export type RevokedCertificates = ReadonlySet<string>;

/** The digest {@link RevokedCertificates} holds for one certificate. */
export function certificateDigest(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** A stable key of a revoked set (for caching a TLS agent per trust configuration). */
export function revokedSetKey(revoked: RevokedCertificates): string {
  return createHash('sha256')
    .update([...revoked].sort().join(','))
    .digest('hex');
}

/** The error raised for a revoked certificate; its code is OpenSSL's, so callers classify it as a TLS trust failure. */
function revokedError(host: string, cert: PeerCertificate): Error {
  return Object.assign(
    new Error(
      `the TLS certificate presented by ${host} (serial ${cert.serialNumber}) was revoked by the deployment's CA`,
    ),
    { code: 'CERT_REVOKED' },
  );
}

/**
 * A `checkServerIdentity` for node:tls / undici / https agents: the standard host-name check (RFC 6125),
 * then a refusal when the certificate or any certificate of its chain is in `revoked`.
 */
export function revocationAwareIdentityCheck(
  revoked: RevokedCertificates,
): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    const mismatch = checkServerIdentity(host, cert);
    if (mismatch) return mismatch;
    if (revoked.size === 0) return undefined;
    const seen = new Set<PeerCertificate>();
    for (let c: PeerCertificate | undefined = cert; c !== undefined && !seen.has(c);) {
      seen.add(c);
      if (c.raw !== undefined && revoked.has(certificateDigest(c.raw))) return revokedError(host, cert);
      c = (c as { issuerCertificate?: PeerCertificate }).issuerCertificate;
    }
    return undefined;
  };
}
