/**
 * Fetches and reads a partner's metadata: the document type comes from the URL (docs/protocol.md §1.3 step 1);
 * an OIDC discovery document is followed to its `jwks_uri` under the same fetch policy.
 */
import {
  parseAuthMetadataDocument,
  parseJwks,
  parseOpenIdConfiguration,
  metadataFormatForUrl,
  expiredKeyWarnings,
} from '../../core/metadata/index.ts';
import type { ParsedPartnerMetadata } from '../../core/metadata/index.ts';
import { partnerError } from '../../core/partners/partner-errors.ts';
import type { DocumentFetcher, FetchPolicy } from './document-fetcher.ts';

/** Fetches `url` and parses it into the partner's identity and keys. */
export async function loadPartnerMetadata(
  fetcher: DocumentFetcher,
  url: string,
  policy: FetchPolicy,
  now: Date,
): Promise<ParsedPartnerMetadata> {
  const format = metadataFormatForUrl(url);
  if (format === 'ws-federation') {
    throw partnerError(
      'ERR_METADATA_UNSUPPORTED_FORMAT',
      `${url} names WS-Federation XML metadata, which s2s does not read`,
      { url },
    );
  }
  const fetched = await fetcher.fetch(url, policy);
  if (format === 'auth-metadata') return parseAuthMetadataDocument(fetched.text, url, now);
  const discovery = parseOpenIdConfiguration(fetched.text, url);
  const jwks = await fetcher.fetch(new URL(discovery.jwksUri, fetched.url).href, policy);
  const keys = parseJwks(jwks.text, discovery.jwksUri);
  return {
    serviceName: discovery.serviceName,
    realm: discovery.realm,
    issuer: discovery.issuer,
    keys,
    endpoints: [],
    warnings: expiredKeyWarnings(keys, discovery.jwksUri, now),
  };
}
