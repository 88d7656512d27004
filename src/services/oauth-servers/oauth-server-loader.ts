/**
 * Fetches and reads an OAuth server's metadata under the partner fetch rules (docs/metadata.md): the ACS
 * document, or an OpenID Connect discovery document followed to its `jwks_uri` (docs/hybrid.md).
 */
import {
  expiredKeyWarnings,
  parseAcsMetadata,
  parseOAuthDiscovery,
  parseOAuthJwks,
} from '../../core/metadata/index.ts';
import { ACS_PRINCIPAL_ID } from '../../core/index.ts';
import type { OAuthServerKey, OAuthServerType, Warning } from '../../core/index.ts';
import type { DocumentFetcher, FetchPolicy } from '../partners/document-fetcher.ts';

/** What an OAuth server's metadata tells us. */
export interface LoadedOAuthServer {
  /** `acs`: the principal id (00000001-…); `oauth2`: the issuer URL. */
  readonly issuer: string;
  /** The tenant the document names, or null. */
  readonly realm: string | null;
  readonly tokenEndpoint: string | null;
  readonly keys: readonly OAuthServerKey[];
  readonly warnings: readonly Warning[];
}

/** The type a metadata URL suggests: a `/.well-known/` document is OpenID Connect, anything else ACS. */
export function typeForUrl(url: string): OAuthServerType {
  return /\/\.well-known\//i.test(url) ? 'oauth2' : 'acs';
}

/** Fetches `url` and reads it as `type`. */
export async function loadOAuthServerMetadata(
  fetcher: DocumentFetcher,
  url: string,
  type: OAuthServerType,
  policy: FetchPolicy,
  now: Date,
): Promise<LoadedOAuthServer> {
  const fetched = await fetcher.fetch(url, policy);
  if (type === 'acs') {
    const acs = parseAcsMetadata(fetched.text, url);
    const tokenEndpoint = acs.tokenEndpoint === null ? null : new URL(acs.tokenEndpoint, fetched.url).href;
    return {
      issuer: acs.serviceName || ACS_PRINCIPAL_ID,
      realm: acs.realm,
      tokenEndpoint,
      keys: acs.keys.map((k) => ({ thumbprint: k.thumbprint, certificate: k.certificate })),
      warnings: expiredKeyWarnings(acs.keys, url, now),
    };
  }
  const discovery = parseOAuthDiscovery(fetched.text, url);
  const jwksUrl = new URL(discovery.jwksUri, fetched.url).href;
  const jwks = await fetcher.fetch(jwksUrl, policy);
  const { keys, certificates } = parseOAuthJwks(jwks.text, jwksUrl);
  return {
    issuer: discovery.issuer,
    realm: discovery.realm,
    tokenEndpoint:
      discovery.tokenEndpoint === null ? null : new URL(discovery.tokenEndpoint, fetched.url).href,
    keys,
    warnings: expiredKeyWarnings(certificates, jwksUrl, now),
  };
}
