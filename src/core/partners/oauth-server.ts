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

/**
 * A signing key of an OAuth server: a certificate (ACS `keyValue`, JWKS `x5c[0]`), or a bare RSA key of its
 * JWKS (`n`, `e`; `spki` holds its SubjectPublicKeyInfo DER and `certificate` is empty). `thumbprint` is
 * the SHA-1 of the certificate, or of the SPKI for a bare key; `kid` is the JWKS key id when there is one.
 */
export interface OAuthServerKey extends PartnerKey {
  readonly kid?: string | undefined;
  readonly spki?: string | undefined;
}

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
  readonly keys: readonly OAuthServerKey[];
  readonly refresh: MetadataRefreshState;
}

/** The issuer string an ACS-type server's tokens carry (`<ACS id>@<tenant>`, docs/protocol.md §2.2). */
export function oauthServerIssuerName(server: Pick<OAuthServer, 'type' | 'issuer' | 'realm'>): string {
  return server.type === 'acs' ? `${server.issuer}@${server.realm}` : server.issuer;
}
