/** Size limits applied to incoming tokens before any cryptography (RFC 8725 §3.x; docs/tokens.md). */

export interface TokenLimits {
  /** Whole compact token (an act-as outer token embeds its actor), characters. */
  readonly maxTokenLength: number;
  /** Decoded JOSE header, bytes. */
  readonly maxHeaderBytes: number;
  /** Decoded payload, bytes. */
  readonly maxPayloadBytes: number;
  /** Any string claim except `actortoken`, characters. */
  readonly maxClaimLength: number;
  /** Members of the claim set. */
  readonly maxClaims: number;
  /**
   * Longest accepted lifetime of a token (actor or outer), `exp − nbf` in seconds, before the clock skew
   * is added (docs/protocol.md §2.5/§11: actor tokens 24 h at most; OAuth configuration `maxTokenLifetimeSeconds`).
   */
  readonly maxLifetimeSeconds: number;
}

/** The defaults: real S2S tokens are 1–3 KB; an RS256 signature over a 4096-bit key is 683 characters. */
export const DEFAULT_TOKEN_LIMITS: TokenLimits = Object.freeze({
  maxTokenLength: 16 * 1024,
  maxHeaderBytes: 1024,
  maxPayloadBytes: 12 * 1024,
  maxClaimLength: 1024,
  maxClaims: 64,
  maxLifetimeSeconds: 24 * 3600,
});
