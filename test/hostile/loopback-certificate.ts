/** A TLS server certificate for 127.0.0.1 (IP SAN) issued by a test CA, for real HTTPS on loopback. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';

/** Issues a 127.0.0.1 server certificate under `ca`. */
export async function loopbackCertificate(ca: TestCertificate): Promise<TestCertificate> {
  const leaf = await makeCertificate({ subject: 'CN=127.0.0.1', issuer: ca });
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0b' + Date.now().toString(16),
    subject: 'CN=127.0.0.1',
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 86400_000),
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    publicKey: leaf.cryptoKeys.publicKey,
    signingKey: ca.cryptoKeys.privateKey,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  return { ...leaf, der: Buffer.from(cert.rawData), pem: cert.toString('pem') + '\n', cert };
}
