/**
 * The self-managed certificates `server start --bootstrap` creates on a fresh deployment (docs/server.md):
 * a local root CA, and from it an OAuthTokenIssuer certificate and a web (TLS) certificate, RSA 2048,
 * SHA-256, SANs = node name, localhost, 127.0.0.1 (and the realm for the token issuer, docs/protocol.md
 * §5.4). Built with the CA's one X.509 engine (x509.ts, certification-authority.ts).
 */
import type { KeyObject } from 'node:crypto';
import { x509, signingAlgorithmFor, thumbprintOf, toSigningKey, toVerifyKey } from './x509.ts';
import { createRootCertificate, newSerialNumber } from './certification-authority.ts';
import { generateKeyPair } from './key-pair.ts';

/** Lifetimes and sizes, each declared once with its unit. */
export const SELF_SIGNED_DEFAULTS = {
  /** RSA modulus bits (the floor for OAuthTokenIssuer and web usages). */
  keyBits: 2048,
  /** Days the local root is valid. */
  rootDays: 3650,
  /** Days a leaf certificate is valid (Exchange's default auth certificate: 5 years; we renew sooner). */
  leafDays: 730,
} as const;

/** A generated certificate with its key (kept in memory only until it is sealed into the store). */
export interface GeneratedCertificate {
  readonly der: Buffer;
  readonly privateKey: KeyObject;
  /** SHA-1 of the DER, upper-case hex. */
  readonly thumbprint: string;
  readonly subject: string;
  readonly cert: x509.X509Certificate;
}

const DAY_MS = 86_400_000;
/** Started a minute in the past, so a server whose clock lags slightly accepts them at once. */
const BACKDATE_MS = 60_000;

/** A self-signed root CA. */
export async function createLocalRoot(name: string, now: Date): Promise<GeneratedCertificate> {
  const keys = await generateKeyPair({ algorithm: 'RSA', size: SELF_SIGNED_DEFAULTS.keyBits });
  const cert = await createRootCertificate({
    name: `CN=s2s local root (${name}), O=s2s`,
    keys,
    now,
    validityDays: SELF_SIGNED_DEFAULTS.rootDays,
  });
  return finish(cert, keys.privateKey);
}

/** A leaf certificate issued by `root` for TLS server auth (web) or token signing (OAuthTokenIssuer). */
export async function createLeaf(
  root: GeneratedCertificate,
  input: { commonName: string; dnsNames: readonly string[]; ipAddresses: readonly string[]; now: Date },
): Promise<GeneratedCertificate> {
  const keys = await generateKeyPair({ algorithm: 'RSA', size: SELF_SIGNED_DEFAULTS.keyBits });
  const publicKey = await toVerifyKey(keys.publicKey);
  const names = [
    ...input.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...input.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: newSerialNumber(),
    subject: `CN=${input.commonName}`,
    issuer: root.cert.subject,
    notBefore: new Date(input.now.getTime() - BACKDATE_MS),
    notAfter: new Date(input.now.getTime() + SELF_SIGNED_DEFAULTS.leafDays * DAY_MS),
    signingAlgorithm: signingAlgorithmFor(root.privateKey),
    publicKey,
    signingKey: await toSigningKey(root.privateKey),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root.cert),
    ],
  });
  return finish(cert, keys.privateKey);
}

function finish(cert: x509.X509Certificate, privateKey: KeyObject): GeneratedCertificate {
  const der = Buffer.from(cert.rawData);
  return { der, privateKey, thumbprint: thumbprintOf(der), subject: cert.subject, cert };
}
