/**
 * Which certificate the HTTPS server presents (docs/server.md): the one assigned to WebServicesInternal for this
 * node, else at global scope, else Default (node, then global). Resolved from the certificate service's
 * signing material, so a roll's effective date is honoured like everywhere else (docs/architecture.md, convention 7).
 */
import { createHash } from 'node:crypto';
import type { CertificateUsage, SigningMaterial } from '../core/index.ts';

/** The part of CertificateService the server needs (docs/certificates.md). */
export interface SigningMaterialSource {
  signingMaterial(usage: CertificateUsage, identity: string): Promise<SigningMaterial>;
}

/** PEM credentials for `tls.createSecureContext`. */
export interface TlsCredentials {
  readonly key: string;
  /** Leaf followed by its issuer chain. */
  readonly cert: string;
  readonly thumbprint: string;
  readonly usage: CertificateUsage;
  readonly identity: string;
  readonly notAfter: Date;
}

/** The first usable certificate in the order WebServicesInternal (node, global), Default (node, global). */
export async function resolveTlsCredentials(
  certificates: SigningMaterialSource,
  nodeName: string,
): Promise<TlsCredentials | null> {
  const order: Array<[CertificateUsage, string]> = [
    ['WebServicesInternal', nodeName],
    ['WebServicesInternal', 'global'],
    ['Default', nodeName],
    ['Default', 'global'],
  ];
  for (const [usage, identity] of order) {
    const current = await certificates.signingMaterial(usage, identity).then(
      (m) => m.current,
      () => null,
    );
    if (current?.privateKey) {
      const cert = [current.certificateDer, ...current.chainDer].map(toPem).join('');
      const key = current.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      return { key, cert, thumbprint: current.thumbprint, usage, identity, notAfter: current.notAfter };
    }
  }
  return null;
}

/** A fingerprint of credentials, to tell whether the secure context must be replaced. */
export function credentialsFingerprint(c: TlsCredentials | null): string {
  return c ? createHash('sha256').update(c.cert).digest('hex') : 'none';
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
