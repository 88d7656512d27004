/**
 * The self-managed certificates `server start --bootstrap` creates on a fresh deployment (docs/server.md):
 * a local root CA, and from it an OAuthTokenIssuer certificate and a web (TLS) certificate, RSA 2048,
 * SHA-256, SANs = node name, localhost, 127.0.0.1 (and the realm for the token issuer, product.md §1).
 */
import 'reflect-metadata';
import { createHash, generateKeyPair, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

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
  readonly signingKey: webcrypto.CryptoKey;
}

const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const generate = promisify(generateKeyPair);

/** A self-signed root CA. */
export async function createLocalRoot(name: string, now: Date): Promise<GeneratedCertificate> {
  const { keys, privateKey } = await newKeys();
  const subject = `CN=s2s local root (${name}), O=s2s`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: days(now, SELF_SIGNED_DEFAULTS.rootDays),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return finish(cert, privateKey, keys.privateKey);
}

/** A leaf certificate issued by `root` for TLS server auth (web) or token signing (OAuthTokenIssuer). */
export async function createLeaf(
  root: GeneratedCertificate,
  input: { commonName: string; dnsNames: readonly string[]; ipAddresses: readonly string[]; now: Date },
): Promise<GeneratedCertificate> {
  const { keys, privateKey } = await newKeys();
  const names = [
    ...input.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...input.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${input.commonName}`,
    issuer: root.cert.subject,
    notBefore: new Date(input.now.getTime() - 60_000),
    notAfter: days(input.now, SELF_SIGNED_DEFAULTS.leafDays),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: root.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root.cert),
    ],
  });
  return finish(cert, privateKey, keys.privateKey);
}

async function newKeys(): Promise<{ keys: webcrypto.CryptoKeyPair; privateKey: KeyObject }> {
  const pair = await generate('rsa', {
    modulusLength: SELF_SIGNED_DEFAULTS.keyBits,
    publicExponent: 0x10001,
  });
  const keys: webcrypto.CryptoKeyPair = {
    privateKey: await webcrypto.subtle.importKey(
      'pkcs8',
      pair.privateKey.export({ format: 'der', type: 'pkcs8' }),
      alg,
      true,
      ['sign'],
    ),
    publicKey: await webcrypto.subtle.importKey(
      'spki',
      pair.publicKey.export({ format: 'der', type: 'spki' }),
      alg,
      true,
      ['verify'],
    ),
  };
  return { keys, privateKey: pair.privateKey };
}

function finish(
  cert: x509.X509Certificate,
  privateKey: KeyObject,
  signingKey: webcrypto.CryptoKey,
): GeneratedCertificate {
  const der = Buffer.from(cert.rawData);
  const thumbprint = createHash('sha1').update(der).digest('hex').toUpperCase();
  return { der, privateKey, thumbprint, subject: cert.subject, cert, signingKey };
}

function serial(): string {
  // A positive 16-byte serial (RFC 5280 §4.1.2.2: at most 20 octets, unpredictable).
  return `01${Buffer.from(webcrypto.getRandomValues(new Uint8Array(15))).toString('hex')}`;
}

function days(from: Date, n: number): Date {
  return new Date(from.getTime() + n * 86_400_000);
}
