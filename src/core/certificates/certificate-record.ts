/** The stored form of a certificate known to the deployment (document kind `certificate`). */
import type { SealedSecret } from '../shared/secret-box.ts';

export interface CertificateRecord {
  /** SHA-1 of the DER certificate, upper-case hex without separators (as Windows shows it). */
  readonly thumbprint: string;
  /** Base64 (standard) DER of the certificate. */
  readonly certificate: string;
  /** Base64 DER of the issuing chain, leaf's issuer first; the root last when known. */
  readonly chain: readonly string[];
  /** PKCS#8 DER of the private key, sealed with the master key (AAD = thumbprint). Absent: no key. */
  readonly privateKey?: SealedSecret;
  /** Whether `certificate export` may write the private key out. */
  readonly exportable: boolean;
  readonly friendlyName: string;
  /** How the certificate arrived. */
  readonly source: 'import' | 'request' | 'generated';
  /** ISO 8601 instant it was added. */
  readonly addedAt: string;
}
