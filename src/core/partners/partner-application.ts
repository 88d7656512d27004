/** A partner application (New/Set/Get-CsPartnerApplication; docs/protocol.md §4, §5.1). Document kind `partner`. */

export type TrustLevel = 'Full' | 'Application' | 'User';
export const TRUST_LEVELS: readonly TrustLevel[] = ['Full', 'Application', 'User'];

/**
 * Where a metadata fetch may follow a redirect (docs/security.md "Metadata redirects"): `same-origin`
 * (default) only within the registered URL's origin; `public` also to another origin whose addresses are
 * all public; `any` anywhere — the administrator's explicit decision for that partner.
 */
export type MetadataRedirectPolicy = 'same-origin' | 'public' | 'any';
export const METADATA_REDIRECT_POLICIES: readonly MetadataRedirectPolicy[] = ['same-origin', 'public', 'any'];

/** A signing certificate trusted for a partner. */
export interface PartnerKey {
  /** SHA-1 thumbprint, upper-case hex (recomputed from the certificate, never taken from metadata). */
  readonly thumbprint: string;
  /** Base64 DER. */
  readonly certificate: string;
}

export interface MetadataRefreshState {
  /** ISO instant of the last successful fetch. */
  readonly lastSuccessAt: string | null;
  /** ISO instant of the last attempt. */
  readonly lastAttemptAt: string | null;
  /** Error code and one-line message of the last failed attempt, cleared on success. */
  readonly lastError: { readonly code: string; readonly message: string; readonly at: string } | null;
}

export interface PartnerApplication {
  /** Administrator-chosen name, e.g. `microsoft.exchange` (case-insensitive, stored lower case). */
  readonly identity: string;
  /** The partner's principal id (its serviceName), lower case. */
  readonly applicationIdentifier: string;
  /** The partner's realm, lower case. */
  readonly realm: string;
  /** The partner's issuer string `<id>@<realm>` as published (informational). */
  readonly issuer: string | null;
  readonly trustLevel: TrustLevel;
  readonly enabled: boolean;
  readonly acceptSecurityIdentifierInformation: boolean;
  /**
   * `metadata` (keys from the partner's metadata URL), `certificate` (a static certificate) or
   * `oauth-server` (no keys of its own: trusted through the OAuth server named by `useOAuthServer`).
   */
  readonly source: 'metadata' | 'certificate' | 'oauth-server';
  /** The OAuth server the partner is trusted through (-UseOAuthServer; docs/hybrid.md); absent or null: none. */
  readonly useOAuthServer?: string | null | undefined;
  readonly metadataUrl: string | null;
  /** Explicit opt-in for plain-http metadata (test hosts only). */
  readonly allowInsecureHttp: boolean;
  /** Where metadata fetches may be redirected; absent (documents written before it existed): `same-origin`. */
  readonly metadataRedirects?: MetadataRedirectPolicy | undefined;
  readonly keys: readonly PartnerKey[];
  readonly refresh: MetadataRefreshState;
  /** Base URL of the partner's storage service, when known (docs/storage.md). */
  readonly storageUrl: string | null;
}
