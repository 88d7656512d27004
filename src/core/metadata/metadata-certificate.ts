/**
 * A signing certificate read from a partner: base64 DER (standard alphabet as Microsoft writes it; the
 * url-safe alphabet and line breaks tolerated), parsed as X.509 with an RSA key (RS256 needs one), with
 * its thumbprint recomputed from the bytes (docs/protocol.md §1.3 step 3: `keyinfo.x5t` is never trusted).
 */
import { X509Certificate, createHash } from 'node:crypto';
import type { PartnerKey } from '../partners/partner-application.ts';

/** Smallest RSA modulus accepted for a partner's signing key (RS256 needs ≥ 2048 bits; docs/protocol.md §5.4, §11). */
export const MIN_PARTNER_RSA_BITS = 2048;

/** A parsed certificate with its recomputed thumbprints. */
export interface ReadCertificate extends PartnerKey {
  /** RSA modulus length in bits. */
  readonly keyBits: number;
  /** base64url(SHA-1(DER)). */
  readonly x5t: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Decodes a base64 (or base64url) value; null when it is not base64. */
export function decodeBase64Value(value: string): Buffer | null {
  const compact = value.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/\-_]+={0,2}$/.test(compact)) return null;
  return Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/**
 * Parses DER bytes; null when they are not exactly one DER X.509 certificate with an RSA public key.
 * node's X509Certificate also takes PEM text and ignores trailing bytes: both are refused here, since the
 * metadata value is base64 DER without armour (docs/protocol.md §1.1) and the thumbprint must cover every byte.
 */
export function readCertificate(der: Buffer): ReadCertificate | null {
  if (der[0] !== 0x30) return null;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    return null;
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') return null;
  const raw = cert.raw;
  if (raw.length !== der.length) return null;
  const sha1 = createHash('sha1').update(raw).digest();
  return {
    thumbprint: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    certificate: raw.toString('base64'),
    keyBits: cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
  };
}

/** Reads a certificate file as an administrator has it: PEM, DER, or base64 DER text. */
export function readCertificateFile(bytes: Buffer): ReadCertificate | null {
  const text = bytes.toString('latin1');
  const pem = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(text);
  if (pem) {
    const der = decodeBase64Value(pem[1]!);
    return der ? readCertificate(der) : null;
  }
  if (bytes[0] === 0x30) return readCertificate(bytes);
  const der = decodeBase64Value(text);
  return der ? readCertificate(der) : null;
}
