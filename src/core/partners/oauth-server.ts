/**
 * An OAuth server (New/Set/Get/Remove-CsOAuthServer; docs/protocol.md §5.3, §8): an authorization server
 * that issues actor tokens, such as ACS / Microsoft Entra ID, trusted by its metadata document. Partners
 * registered with `--use-oauth-server` are trusted through it (docs/hybrid.md). Document kind `oauth-server`.
 */
import type { MetadataRedirectPolicy, MetadataRefreshState, PartnerKey } from './partner-application.ts';

/**
 * `acs`: the ACS `/metadata/json/1` shape and the legacy JWT-bearer grant (docs/protocol.md §8);
 * `oauth2`: OpenID Connect discovery + JWKS and RFC 7523 client assertions (§10).
 */
export type OAuthServerType = 'acs' | 'oauth2';
export const OAUTH_SERVER_TYPES: readonly OAuthServerType[] = ['acs', 'oauth2'];

/** The principal id of ACS, "Microsoft STS" (docs/protocol.md §3). */
export const ACS_PRINCIPAL_ID = '00000001-0000-0000-c000-000000000000';

export interface OAuthServer {
  /** Administrator-chosen name, e.g. `microsoft.sts` (stored lower case). */
  readonly identity: string;
  readonly type: OAuthServerType;
  readonly metadataUrl: string;
  /**
   * The tenant (realm) the server issues for, lower case: ACS tokens carry `iss <ACS id>@<tenant>`. `*`
   * for an `oauth2` server whose issuer names no tenant (its tokens are then bound to our own realm).
   */
  readonly realm: string;
  /** `acs`: the ACS principal id; `oauth2`: the issuer URL (its tokens' `iss`). */
  readonly issuer: string;
  /** Where actor tokens are requested (ACS `OAuth2`/`issuance` endpoint, OIDC `token_endpoint`). */
  readonly tokenEndpoint: string;
  readonly allowInsecureHttp: boolean;
  readonly metadataRedirects: MetadataRedirectPolicy;
  readonly keys: readonly PartnerKey[];
  readonly refresh: MetadataRefreshState;
}

/** The issuer string an ACS-type server's tokens carry (`<ACS id>@<tenant>`, docs/protocol.md §2.2). */
export function oauthServerIssuerName(server: Pick<OAuthServer, 'type' | 'issuer' | 'realm'>): string {
  return server.type === 'acs' ? `${server.issuer}@${server.realm}` : server.issuer;
}
