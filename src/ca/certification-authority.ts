/**
 * The CA engine: makes the root (and an optional intermediate), issues certificates from verified
 * requests through a template, and signs CRLs (RFC 5280). No storage here: the service persists.
 */
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { signingAlgorithmFor, toSigningKey, toVerifyKey, x509 } from './x509.ts';
import type { KeyPair } from './key-pair.ts';
import type { CertificateTemplate, SanPolicy } from './certificate-template.ts';
import { ekuOidsOf, keyUsageFlagsOf } from './certificate-template.ts';
import type { VerifiedRequest } from './pkcs10-request.ts';

const DAY_MS = 86_400_000;
/** Issued certificates start a little in the past so a server whose clock lags accepts them at once. */
const BACKDATE_MS = 5 * 60_000;

/** A CA certificate with its private key, in memory only. */
export interface AuthorityKeyMaterial {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: KeyObject;
}

/** A fresh positive 128-bit serial number, hex (RFC 5280 §4.1.2.2: unique, at most 20 octets). */
export function newSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** Creates a self-signed root CA certificate. */
export async function createRootCertificate(input: {
  name: string;
  keys: KeyPair;
  now: Date;
  validityDays: number;
}): Promise<x509.X509Certificate> {
  const publicKey = await toVerifyKey(input.keys.publicKey);
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerialNumber(),
    name: input.name,
    notBefore: new Date(input.now.getTime() - BACKDATE_MS),
    notAfter: new Date(input.now.getTime() + input.validityDays * DAY_MS),
    signingAlgorithm: signingAlgorithmFor(input.keys.privateKey),
    keys: { privateKey: await toSigningKey(input.keys.privateKey), publicKey },
    extensions: await caExtensions(publicKey, undefined),
  });
}

/** Creates an intermediate CA certificate signed by `issuer` (path length 0: it signs leaves only). */
export async function createIntermediateCertificate(input: {
  name: string;
  keys: KeyPair;
  issuer: AuthorityKeyMaterial;
  now: Date;
  validityDays: number;
}): Promise<x509.X509Certificate> {
  const publicKey = await toVerifyKey(input.keys.publicKey);
  const notAfter = Math.min(
    input.now.getTime() + input.validityDays * DAY_MS,
    input.issuer.certificate.notAfter.getTime(),
  );
  return x509.X509CertificateGenerator.create({
    serialNumber: newSerialNumber(),
    subject: input.name,
    issuer: input.issuer.certificate.subject,
    notBefore: new Date(input.now.getTime() - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: signingAlgorithmFor(input.issuer.privateKey),
    publicKey,
    signingKey: await toSigningKey(input.issuer.privateKey),
    extensions: [
      ...(await caExtensions(publicKey, 0)),
      await x509.AuthorityKeyIdentifierExtension.create(input.issuer.certificate, false),
    ],
  });
}

async function caExtensions(publicKey: CryptoKey, pathLength: number | undefined): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
}
type CryptoKey = Awaited<ReturnType<typeof toVerifyKey>>;

/** What the issuer decides for one request. */
export interface IssueInput {
  readonly issuer: AuthorityKeyMaterial;
  readonly request: VerifiedRequest;
  readonly template: CertificateTemplate;
  readonly now: Date;
  readonly serialNumber: string;
  /** Where relying parties fetch the CRL (RFC 5280 §4.2.1.13), when published. */
  readonly crlUrl?: string;
}

/** Subject alternative names the template policy lets through. */
export function allowedNames(request: VerifiedRequest, policy: SanPolicy): x509.JsonGeneralNames {
  if (policy === 'none') return [];
  const dns = request.dnsNames.map((value) => ({ type: 'dns' as const, value }));
  const ips = policy === 'copy' ? request.ipAddresses.map((value) => ({ type: 'ip' as const, value })) : [];
  return [...dns, ...ips];
}

/** Issues a certificate for a verified request through a template. */
export async function issueCertificate(input: IssueInput): Promise<x509.X509Certificate> {
  const { issuer, template, now } = input;
  const publicKey = await x509.PublicKey.create(input.request.publicKeyDer);
  const notAfter = Math.min(
    now.getTime() + template.validityDays * DAY_MS,
    issuer.certificate.notAfter.getTime(),
  );
  const names = allowedNames(input.request, template.sanPolicy);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(keyUsageFlagsOf(template), true),
    await x509.SubjectKeyIdentifierExtension.create(await publicKey.export()),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate, false),
  ];
  const ekus = ekuOidsOf(template);
  if (ekus.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(ekus, false));
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  if (input.crlUrl) extensions.push(new x509.CRLDistributionPointsExtension([input.crlUrl]));
  return x509.X509CertificateGenerator.create({
    serialNumber: input.serialNumber,
    subject: input.request.subject,
    issuer: issuer.certificate.subject,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: signingAlgorithmFor(issuer.privateKey),
    publicKey,
    signingKey: await toSigningKey(issuer.privateKey),
    extensions,
  });
}

/** One revoked certificate. */
export interface RevokedEntry {
  readonly serialNumber: string;
  readonly revokedAt: Date;
  readonly reason: x509.X509CrlReason;
}

/** Signs a CRL over the revoked entries (RFC 5280 §5), valid for `validityDays`. */
export async function createCrl(input: {
  issuer: AuthorityKeyMaterial;
  entries: readonly RevokedEntry[];
  now: Date;
  validityDays: number;
}): Promise<x509.X509Crl> {
  return x509.X509CrlGenerator.create({
    issuer: input.issuer.certificate.subject,
    thisUpdate: input.now,
    nextUpdate: new Date(input.now.getTime() + input.validityDays * DAY_MS),
    signingAlgorithm: signingAlgorithmFor(input.issuer.privateKey),
    signingKey: await toSigningKey(input.issuer.privateKey),
    entries: input.entries.map((e) => ({
      serialNumber: e.serialNumber,
      revocationDate: e.revokedAt,
      reason: e.reason,
    })),
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(input.issuer.certificate, false)],
  });
}
