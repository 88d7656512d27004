/**
 * The certificates of one usage as they stand at an instant, with their private keys opened: what the
 * token issuer signs with, what the metadata document publishes and what the TLS server presents.
 * Produced by CertificateService.signingMaterial(); resolution is a pure function of `now`
 * (once a staged roll's effective date has passed, it is current and the old current is previous).
 */
import type { KeyObject } from 'node:crypto';

export interface SigningMaterialEntry {
  /** SHA-1 thumbprint, upper-case hex. */
  readonly thumbprint: string;
  /** base64url(SHA-1(DER)): the JWS `x5t` header and JWKS `kid`. */
  readonly x5t: string;
  readonly certificateDer: Buffer;
  /** Issuer chain, DER, leaf's issuer first. */
  readonly chainDer: readonly Buffer[];
  /** The opened private key, or null when the certificate has none. */
  readonly privateKey: KeyObject | null;
  readonly publicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface SigningMaterial {
  /** Signs everything issued now. */
  readonly current: SigningMaterialEntry | null;
  /** Still accepted and published until removed or expired. */
  readonly previous: SigningMaterialEntry | null;
  /** A roll not yet effective: published and accepted, never used to sign before `effectiveDate`. */
  readonly staged: (SigningMaterialEntry & { readonly effectiveDate: Date }) | null;
}
