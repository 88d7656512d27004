/** Everything the validator trusts at one instant: our identity and keys, and the partners' (docs/protocol.md §2.6, §4). */
import type { KeyObject } from 'node:crypto';
import type { PartnerApplication } from '../partners/partner-application.ts';
import type { OAuthServer } from '../partners/oauth-server.ts';
import type { TokenLimits } from './token-limits.ts';

/** A certificate key the validator may verify with. */
export interface TrustedKey {
  /** SHA-1 thumbprint, upper-case hex. */
  readonly thumbprint: string;
  /** base64url SHA-1 (what `x5t`/`kid` carry). */
  readonly x5t: string;
  readonly publicKey: KeyObject;
  /** For explanations: `current`, `previous`, `staged` (ours) or `partner`. */
  readonly role: 'current' | 'previous' | 'staged' | 'partner' | 'oauth-server';
}

/** A partner application with its registered keys already parsed (cached by thumbprint by the service). */
export interface TrustedPartner {
  readonly application: PartnerApplication;
  readonly keys: readonly TrustedKey[];
}

/** An OAuth server with the keys of its metadata already parsed (docs/hybrid.md). */
export interface TrustedOAuthServer {
  readonly server: OAuthServer;
  readonly keys: readonly TrustedKey[];
}

export interface TrustContext {
  /** Our principal id (OAuth configuration serviceName), lower case. */
  readonly serviceName: string;
  /** Our realm, lower case. */
  readonly realm: string;
  /** URL authorities partners address us by; empty: the request URL's authority is the only one accepted. */
  readonly hostNames: readonly string[];
  readonly clockSkewSeconds: number;
  readonly now: Date;
  /**
   * Our own OAuthTokenIssuer certificates (current, previous, staged): accepted ONLY for a token whose
   * `iss` is our own serviceName@realm (servers of our pool), never for anyone else (docs/protocol.md §2.7).
   */
  readonly ownKeys: readonly TrustedKey[];
  readonly partners: readonly TrustedPartner[];
  /** OAuth servers whose tokens are accepted for the partners registered through them (absent: none). */
  readonly oauthServers?: readonly TrustedOAuthServer[];
  readonly limits: TokenLimits;
}
