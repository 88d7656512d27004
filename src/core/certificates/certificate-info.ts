/**
 * What an administrator and the rules need to know about a certificate, read from its DER:
 * thumbprint as Windows shows it, names, validity, key, signature algorithm and extensions.
 */
import 'reflect-metadata';
import { createHash, X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { certificateError } from './certificate-errors.ts';
import { oidOf, readTlv, sequence } from './der-reader.ts';

x509.cryptoProvider.set(globalThis.crypto);

/** Signature algorithm OIDs by their Windows display names (RFC 4055, RFC 5758, RFC 8410). */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5RSA',
  '1.2.840.113549.1.1.5': 'sha1RSA',
  '1.2.840.113549.1.1.14': 'sha224RSA',
  '1.2.840.113549.1.1.11': 'sha256RSA',
  '1.2.840.113549.1.1.12': 'sha384RSA',
  '1.2.840.113549.1.1.13': 'sha512RSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.1': 'sha1ECDSA',
  '1.2.840.10045.4.3.2': 'sha256ECDSA',
  '1.2.840.10045.4.3.3': 'sha384ECDSA',
  '1.2.840.10045.4.3.4': 'sha512ECDSA',
  '1.3.101.112': 'Ed25519',
};

const CURVE_BITS: Readonly<Record<string, number>> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

const KEY_USAGE_NAMES: ReadonlyArray<[number, string]> = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
];

const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
};

/** Facts about one certificate. Dates are instants; names are as the certificate spells them. */
export interface CertificateInfo {
  /** SHA-1 of the DER, upper-case hex (equals `openssl x509 -noout -fingerprint -sha1` without colons). */
  readonly thumbprint: string;
  /** base64url(SHA-1(DER)): JWS `x5t`. */
  readonly x5t: string;
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex, as Windows shows it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Subject alternative names: DNS names plain, others prefixed (`ip:`, `email:`, `uri:`). */
  readonly alternativeNames: string[];
  readonly dnsNames: string[];
  readonly keyAlgorithm: 'RSA' | 'EC' | 'Ed25519' | 'other';
  /** RSA modulus bits or EC curve bits. */
  readonly keySize: number;
  /** Windows display name, e.g. `sha256RSA`. */
  readonly signatureAlgorithm: string;
  /** True for MD5 / SHA-1 signatures. */
  readonly weakSignature: boolean;
  readonly isCa: boolean;
  readonly pathLength: number | null;
  readonly keyUsage: string[];
  /** Names for common OIDs, the OID otherwise. */
  readonly extendedKeyUsage: string[];
  readonly selfSigned: boolean;
}

/** Reads a DER certificate. */
export function describeCertificate(der: Buffer): CertificateInfo {
  let node: NodeX509;
  let cert: x509.X509Certificate;
  try {
    node = new NodeX509(der);
    cert = new x509.X509Certificate(der);
  } catch (cause) {
    throw certificateError(
      'ERR_CERTIFICATE_FILE_UNRECOGNIZED',
      'the certificate cannot be parsed',
      {},
      cause,
    );
  }
  const sha1 = createHash('sha1').update(der).digest();
  const signatureAlgorithm = signatureAlgorithmOf(der);
  const names = alternativeNames(cert);
  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  return {
    thumbprint: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: node.serialNumber.toUpperCase(),
    notBefore: new Date(node.validFrom),
    notAfter: new Date(node.validTo),
    alternativeNames: names.all,
    dnsNames: names.dns,
    ...keyFacts(node),
    signatureAlgorithm,
    weakSignature: /^(md5|sha1)/.test(signatureAlgorithm),
    isCa: constraints?.ca ?? false,
    pathLength: constraints?.pathLength ?? null,
    keyUsage: keyUsages(cert),
    extendedKeyUsage: (cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? []).map(
      (u) => EKU_NAMES[String(u)] ?? String(u),
    ),
    selfSigned: node.checkIssued(node),
  };
}

function signatureAlgorithmOf(der: Buffer): string {
  const [, algorithm] = sequence(readTlv(der), 'the certificate');
  const oid = oidOf(sequence(algorithm, 'the signature algorithm')[0], 'the signature algorithm');
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}

function keyFacts(node: NodeX509): Pick<CertificateInfo, 'keyAlgorithm' | 'keySize'> {
  const key = node.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss')
    return { keyAlgorithm: 'RSA', keySize: details.modulusLength ?? 0 };
  if (key.asymmetricKeyType === 'ec')
    return { keyAlgorithm: 'EC', keySize: CURVE_BITS[details.namedCurve ?? ''] ?? 0 };
  if (key.asymmetricKeyType === 'ed25519') return { keyAlgorithm: 'Ed25519', keySize: 256 };
  return { keyAlgorithm: 'other', keySize: 0 };
}

function alternativeNames(cert: x509.X509Certificate): { all: string[]; dns: string[] } {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  const dns = items.filter((n) => n.type === 'dns').map((n) => n.value);
  const all = items.map((n) => (n.type === 'dns' ? n.value : `${n.type}:${n.value}`));
  return { all, dns };
}

function keyUsages(cert: x509.X509Certificate): string[] {
  const ext = cert.getExtension(x509.KeyUsagesExtension);
  if (!ext) return [];
  return KEY_USAGE_NAMES.filter(([flag]) => (ext.usages & flag) !== 0).map(([, name]) => name);
}

/** Whether the certificate names `domain` (equal to, or a host under it) in its Subject or DNS SANs. */
export function certificateNamesDomain(info: CertificateInfo, domain: string): boolean {
  const d = domain.toLowerCase();
  const covers = (name: string): boolean => {
    const n = name.toLowerCase().replace(/^\*\./, '');
    return n === d || n.endsWith(`.${d}`);
  };
  const subjectValues = info.subject.split(/,\s*/).map((rdn) => rdn.replace(/^[^=]*=/, ''));
  return subjectValues.some(covers) || info.dnsNames.some(covers);
}
