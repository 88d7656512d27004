/** The global OAuth configuration (Get/Set-CsOAuthConfiguration; docs/protocol.md §5.2). Document `oauth-config/global`. */
import { DEFAULT_SERVICE_NAME } from '../shared/principals.ts';

export interface OAuthConfiguration {
  /** The OAuth realm; by default the SIP domain (lower case). */
  readonly realm: string;
  /** Our principal id (well-known GUID; Skype/Lync: 00000004-0000-0ff1-ce00-000000000000). */
  readonly serviceName: string;
  /** Lifetime of self-issued actor / app-only tokens, seconds (Exchange: 24 h). */
  readonly actorTokenLifetimeSeconds: number;
  /** Lifetime of outer (user) tokens, seconds, capped by the actor's (Exchange: 8 h). */
  readonly outerTokenLifetimeSeconds: number;
  /** Allowed clock skew when validating nbf/exp, seconds. */
  readonly clockSkewSeconds: number;
  /**
   * Longest lifetime (`exp − nbf`) of a token we accept, actor or outer, seconds, before the skew is added;
   * at most 24 h, the documented maximum (docs/protocol.md §2.5/§11; docs/security.md "Token lifetime maxima").
   */
  readonly maxTokenLifetimeSeconds: number;
  /** Host names (URL authorities) partners address us by; the audience host must be one of them. */
  readonly hostNames: readonly string[];
  /** SHA-1 signed certificates: `warn` (default) or `error`. */
  readonly sha1CertificatePolicy: 'warn' | 'error';
  /** Partner metadata refresh period, seconds (Exchange: 12 h). */
  readonly metadataRefreshSeconds: number;
}

/** Defaults, each declared once with its unit. */
export const OAUTH_DEFAULTS = {
  serviceName: DEFAULT_SERVICE_NAME,
  actorTokenLifetimeSeconds: 24 * 3600,
  outerTokenLifetimeSeconds: 8 * 3600,
  clockSkewSeconds: 5 * 60,
  maxTokenLifetimeSeconds: 24 * 3600,
  sha1CertificatePolicy: 'warn',
  metadataRefreshSeconds: 12 * 3600,
} as const;
