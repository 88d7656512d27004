/**
 * A signing certificate read from a partner: base64 DER (standard alphabet as Microsoft writes it; the
 * url-safe alphabet and line breaks tolerated), parsed as X.509 with an RSA key (RS256 needs one), with
 * its thumbprint recomputed from the bytes (protocol.md §1.3 step 3: `keyinfo.x5t` is never trusted).
 */
import { X509Certificate, createHash } from 'node:crypto';
import type { PartnerKey } from '../partners/partner-application.ts';

/** A parsed certificate with its recomputed thumbprints. */
export interface ReadCertificate extends PartnerKey {
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

/** Parses DER bytes; null when they are not an X.509 certificate with an RSA public key. */
export function readCertificate(der: Buffer): ReadCertificate | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    return null;
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') return null;
  const raw = cert.raw;
  const sha1 = createHash('sha1').update(raw).digest();
  return {
    thumbprint: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    certificate: raw.toString('base64'),
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
