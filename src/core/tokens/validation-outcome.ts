/** What validating an incoming S2S token yields (docs/protocol.md §2.6, §4, §6.2). Produced by TokenService.validate(). */
import type { TrustLevel } from '../partners/partner-application.ts';

/** Claims of the user an act-as token speaks for (from the unsigned outer token; docs/protocol.md §2.4). */
import type { ErrorCode } from '../error-catalog.ts';

export interface ActingUserClaims {
  readonly nameid: string;
  readonly nii: string | null;
  readonly smtp: string | null;
  readonly sip: string | null;
  readonly upn: string | null;
}

/** An authenticated caller. */
export interface S2sPrincipal {
  /** `partner` (a registered partner application) or `self` (a token we issued: another server of our pool). */
  readonly kind: 'partner' | 'self';
  /** Partner identity (e.g. `microsoft.exchange`); for `self`, our service name. */
  readonly partnerIdentity: string;
  readonly applicationIdentifier: string;
  readonly realm: string;
  readonly trustLevel: TrustLevel;
  readonly acceptSecurityIdentifierInformation: boolean;
  /** `app` (app-only token) or `user` (act-as token). */
  readonly mode: 'app' | 'user';
  readonly user: ActingUserClaims | null;
  /** The actor token's expiry: a validated-token cache must never keep the result past it. */
  readonly expiresAt: Date;
  /** Thumbprint of the certificate that verified the actor signature. */
  readonly signingThumbprint: string;
}

/** A refusal, ready for the wire. `message` is safe to show (no token material). */
export interface S2sRefusal {
  /** Stable s2s code, e.g. ERR_TOKEN_INVALID_SIGNATURE (docs/errors.md). */
  readonly code: ErrorCode;
  /** Exchange-compatible detail code and category (docs/protocol.md §6.2), e.g. 1001 / invalid_signature. */
  readonly diagnostic: { readonly code: number; readonly category: string; readonly categoryCode: number };
  readonly message: string;
  /** HTTP status: 401. */
  readonly status: number;
  /** The complete `WWW-Authenticate` header value (Bearer challenge, with error="invalid_token" unless the token was empty). */
  readonly wwwAuthenticate: string;
  /** The complete `x-ms-diagnostics` header value, absent for a bare challenge. */
  readonly msDiagnostics: string | null;
}

export type ValidationOutcome =
  | { readonly ok: true; readonly principal: S2sPrincipal }
  | { readonly ok: false; readonly refusal: S2sRefusal };
