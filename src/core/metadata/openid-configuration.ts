/**
 * Standard discovery beside the legacy document (docs/protocol.md §10): OIDC discovery
 * (`/.well-known/openid-configuration`) and a JWKS (RFC 7517) with `kid` = `x5t` and `x5c`.
 * Exchange consumes both (it takes `jwks_uri`, keys with `use:"sig"`, `x5c[0]`).
 */
import { createHash } from 'node:crypto';
import type { OAuthConfiguration } from '../oauth/oauth-configuration.ts';
import type { SigningMaterial } from '../certificates/signing-material.ts';
import { publishedCertificates } from './published-certificates.ts';
import { issuerOf } from './metadata-document.ts';

/** Where we serve the JWKS (relative to the host). */
export const JWKS_PATH = '/.well-known/jwks.json';
/** Where we serve the legacy document (relative to the host). */
export const METADATA_PATH = '/metadata/json/1';

/** One RSA key of our JWKS. */
export interface PublishedJwk {
  readonly kty: 'RSA';
  readonly use: 'sig';
  readonly alg: 'RS256';
  readonly kid: string;
  readonly x5t: string;
  readonly 'x5t#S256': string;
  readonly x5c: readonly string[];
  readonly n: string;
  readonly e: string;
}

/** Our OIDC discovery document. */
export interface OpenIdConfiguration {
  /** OIDC requires an https URL issuer: the host the document was requested on. */
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly id_token_signing_alg_values_supported: readonly string[];
  readonly subject_types_supported: readonly string[];
  readonly response_types_supported: readonly string[];
  /** Non-standard: the legacy issuer string `<serviceName>@<realm>` our S2S tokens carry. */
  readonly s2s_issuer: string;
  /** Non-standard: the legacy metadata document's URL. */
  readonly authentication_metadata_uri: string;
}

/** Builds the discovery document for the host of `requestUrl` (always https: OIDC Discovery §3). */
export function buildOpenIdConfiguration(
  config: Pick<OAuthConfiguration, 'serviceName' | 'realm'>,
  requestUrl: string,
): OpenIdConfiguration {
  const base = `https://${new URL(requestUrl).host}`;
  return {
    issuer: `${base}/`,
    jwks_uri: `${base}${JWKS_PATH}`,
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['public'],
    response_types_supported: ['id_token'],
    s2s_issuer: issuerOf(config),
    authentication_metadata_uri: `${base}${METADATA_PATH}`,
  };
}

/** Builds the JWKS: the same certificates as the metadata document, in the same order. */
export function buildJwks(material: SigningMaterial, now: Date): { keys: PublishedJwk[] } {
  return {
    keys: publishedCertificates(material, now).map((entry) => {
      const jwk = entry.publicKey.export({ format: 'jwk' });
      return {
        kty: 'RSA',
        use: 'sig',
        alg: 'RS256',
        kid: entry.x5t,
        x5t: entry.x5t,
        'x5t#S256': createHash('sha256').update(entry.certificateDer).digest('base64url'),
        // RFC 7517 §4.7: the leaf first, then its issuers.
        x5c: [entry.certificateDer, ...entry.chainDer].map((der) => der.toString('base64')),
        n: String(jwk.n),
        e: String(jwk.e),
      };
    }),
  };
}
