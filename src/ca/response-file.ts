/**
 * Reads a CA response: one or more certificates as PEM, DER, bare base64, or a PKCS#7 (.p7b) chain in PEM
 * or DER, in any order (docs/ca.md). Returns the DER of each distinct certificate.
 */
import { caError } from '../core/ca/ca-errors.ts';
import { thumbprintOf, x509 } from './x509.ts';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/** Parses a response file; throws ERR_CA_RESPONSE_INVALID when it holds no certificate. */
export function parseResponseFile(bytes: Uint8Array): Buffer[] {
  const text = Buffer.from(bytes).toString('latin1');
  const ders = text.includes('-----BEGIN ') ? fromPem(text) : fromBinaryOrBase64(Buffer.from(bytes), text);
  const unique = new Map<string, Buffer>();
  for (const der of ders) unique.set(thumbprintOf(der), der);
  if (unique.size === 0)
    throw caError(
      'ERR_CA_RESPONSE_INVALID',
      'the response file holds no certificate (expected PEM, DER, base64 or PKCS#7)',
    );
  return [...unique.values()];
}

/** True when the file holds a private key block (then it is not a CA response). */
export function containsPrivateKey(bytes: Uint8Array): boolean {
  return /-----BEGIN (ENCRYPTED |RSA |EC )?PRIVATE KEY-----/.test(Buffer.from(bytes).toString('latin1'));
}

function fromPem(text: string): Buffer[] {
  const out: Buffer[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const label = match[1]!;
    const der = Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64');
    if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE') out.push(der);
    else if (label === 'PKCS7' || label === 'CMS') out.push(...fromPkcs7(der));
  }
  return out;
}

function fromBinaryOrBase64(raw: Buffer, text: string): Buffer[] {
  // DER starts with a SEQUENCE tag; anything else printable is taken as bare base64.
  const der =
    raw[0] === 0x30 ? raw : BASE64.test(text) ? Buffer.from(text.replace(/\s+/g, ''), 'base64') : undefined;
  if (der === undefined || der.length === 0) return [];
  const single = tryCertificate(der);
  return single ? [single] : fromPkcs7(der);
}

function tryCertificate(der: Buffer): Buffer | undefined {
  try {
    return Buffer.from(new x509.X509Certificate(new Uint8Array(der)).rawData);
  } catch {
    return undefined;
  }
}

function fromPkcs7(der: Buffer): Buffer[] {
  try {
    const certs = new x509.X509Certificates();
    certs.import(new Uint8Array(der));
    return certs.map((c) => Buffer.from(c.rawData));
  } catch {
    return [];
  }
}
