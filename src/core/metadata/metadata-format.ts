/** Which document a metadata URL names, chosen from the URL as Exchange does (docs/protocol.md §1.3 step 1). */

export type MetadataFormat = 'auth-metadata' | 'openid-configuration' | 'ws-federation';

/** `federationmetadata` → WS-Fed XML; `openid-configuration` → OIDC discovery; otherwise the JSON document. */
export function metadataFormatForUrl(url: string): MetadataFormat {
  const lower = url.toLowerCase();
  if (lower.includes('federationmetadata')) return 'ws-federation';
  if (lower.includes('metadata/json/1')) return 'auth-metadata';
  if (lower.includes('openid-configuration')) return 'openid-configuration';
  return 'auth-metadata';
}
