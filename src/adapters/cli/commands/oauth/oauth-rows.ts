/** Get-CsOAuthConfiguration style rows. */
import type { OAuthConfiguration } from '../../../../core/index.ts';

/** Format-List rows of the OAuth configuration. */
export function oauthRows(c: OAuthConfiguration): Record<string, unknown> {
  return {
    Identity: 'Global',
    Realm: c.realm,
    ServiceName: c.serviceName,
    HostNames: c.hostNames,
    ActorTokenLifetime: `${c.actorTokenLifetimeSeconds}s`,
    OuterTokenLifetime: `${c.outerTokenLifetimeSeconds}s`,
    ClockSkew: `${c.clockSkewSeconds}s`,
    MaxTokenLifetime: `${c.maxTokenLifetimeSeconds}s`,
    Sha1CertificatePolicy: c.sha1CertificatePolicy,
    MetadataRefresh: `${c.metadataRefreshSeconds}s`,
  };
}
