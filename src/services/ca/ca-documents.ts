/**
 * Stored shapes of the CA's documents (src/store/document-store.ts kinds `ca`, `ca-template`,
 * `ca-issued`, `certificate-request`, `trusted-root`, `counter`). No private key is ever stored in clear.
 */
import type { SealedSecret } from '../../core/index.ts';
import type { PasswordHash } from '../../ca/index.ts';

/** A CA certificate and its sealed key (AAD = the certificate's thumbprint). */
export interface StoredAuthorityKey {
  readonly thumbprint: string;
  /** Base64 DER. */
  readonly certificate: string;
  readonly privateKey: SealedSecret;
}

/** A CA account allowed to enroll (password hashed with scrypt). */
export interface CaAccount {
  readonly name: string;
  readonly password: PasswordHash;
  readonly createdAt: string;
  /** Names this account may enroll (`host`, `.domain`); absent: any name the template allows (docs/ca.md). */
  readonly allowedNames?: readonly string[];
}

/** Kind `ca`, key: the CA name. One issuing CA per deployment. */
export interface CaDocument {
  readonly name: string;
  readonly root: StoredAuthorityKey;
  /** The issuing intermediate, when `ca init --intermediate` made one; otherwise the root issues. */
  readonly intermediate: StoredAuthorityKey | null;
  readonly accounts: readonly CaAccount[];
  /** Published CRL URL written into issued certificates, when configured. */
  readonly crlUrl: string | null;
  readonly createdAt: string;
}

/** Kind `ca-issued`, key `${caName}/${serialHex}`: the issuance log. */
export interface IssuedDocument {
  readonly caName: string;
  readonly serialNumber: string;
  readonly thumbprint: string;
  readonly subject: string;
  readonly dnsNames: readonly string[];
  readonly template: string;
  /** The CA account that enrolled it, or null for local issuance. */
  readonly account: string | null;
  readonly issuedAt: string;
  readonly notAfter: string;
  readonly certificate: string;
  readonly revokedAt: string | null;
  readonly revocationReason: number | null;
}

/** Kind `certificate-request`, key: decimal request id. A pending request with its sealed key. */
export interface PendingRequestDocument {
  readonly id: number;
  readonly createdAt: string;
  readonly usages: readonly string[];
  readonly subject: string;
  readonly dnsNames: readonly string[];
  readonly keyAlgorithm: 'RSA' | 'ECDSA_P256';
  readonly keySize: number;
  readonly exportable: boolean;
  readonly friendlyName: string;
  /** Assign to the usages once installed (false with --no-assign). */
  readonly assign: boolean;
  /** SHA-256 of the SubjectPublicKeyInfo, hex: how a response finds its request. */
  readonly publicKeyId: string;
  readonly csrPem: string;
  /** PKCS#8 DER sealed with the master key, AAD `certificate-request/<id>`. */
  readonly privateKey: SealedSecret;
  /** `offline`, `internal`, an enrollment URL or an `acme+https://` directory. */
  readonly target: string;
}

/** Kind `trusted-root`, key: thumbprint. The metadata fetcher reads this shape: keep it. */
export interface TrustedRootDocument {
  readonly thumbprint: string;
  /** Base64 DER. */
  readonly certificate: string;
  readonly subject: string;
  readonly notAfter: string;
  readonly addedAt: string;
}

/** Kind `counter`. */
export interface CounterDocument {
  readonly value: number;
}

/** AAD that binds a pending request's sealed key to its request id. */
export function requestKeyAad(id: number): string {
  return `certificate-request/${id}`;
}
