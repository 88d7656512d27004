/** What administrators pass to create or change a partner application (New/Set-CsPartnerApplication, docs/protocol.md §5.1). */

/** `partner new`: exactly one key source — `metadataUrl`, or `applicationIdentifier` + `realm` + `certificate`. */
export interface NewPartnerInput {
  readonly identity: string;
  readonly trustLevel?: string;
  readonly metadataUrl?: string | undefined;
  readonly applicationIdentifier?: string | undefined;
  readonly realm?: string | undefined;
  /** Certificate file bytes (.cer as DER, PEM, or base64 DER). */
  readonly certificate?: Buffer | undefined;
  readonly acceptSecurityIdentifierInformation?: boolean | undefined;
  readonly enabled?: boolean | undefined;
  readonly allowInsecureHttp?: boolean | undefined;
  /** Where metadata fetches may be redirected (default `same-origin`; docs/security.md "Metadata redirects"). */
  readonly metadataRedirects?: string | undefined;
  readonly storageUrl?: string | undefined;
  /** Trust through this OAuth server (-UseOAuthServer): with `applicationIdentifier`, optionally `realm`. */
  readonly useOAuthServer?: string | undefined;
}

/** `partner set`: only the fields given change; `storageUrl: null` clears it. */
export interface PartnerPatch {
  readonly trustLevel?: string | undefined;
  readonly metadataUrl?: string | undefined;
  readonly certificate?: Buffer | undefined;
  readonly acceptSecurityIdentifierInformation?: boolean | undefined;
  readonly enabled?: boolean | undefined;
  readonly allowInsecureHttp?: boolean | undefined;
  readonly metadataRedirects?: string | undefined;
  readonly storageUrl?: string | null | undefined;
}
