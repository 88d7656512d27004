/**
 * The client assertion s2s signs with its OAuthTokenIssuer certificate to obtain an actor token from an
 * OAuth server (docs/protocol.md §8 step 2, §10; RFC 7523 §3; docs/hybrid.md "Outbound"). Pure: the
 * caller supplies the key, the instant and a unique id.
 */
import type { KeyObject } from 'node:crypto';
import { epochSeconds } from '../shared/clock.ts';
import { ACS_PRINCIPAL_ID } from '../partners/oauth-server.ts';
import type { OAuthServerType } from '../partners/oauth-server.ts';
import { encodeBase64Url } from './base64url.ts';
import { signRs256 } from './rs256.ts';

/** Exchange's assertion to ACS lives 10 minutes (docs/protocol.md §2.5). */
export const CLIENT_ASSERTION_LIFETIME_SECONDS = 600;

export interface ClientAssertionInput {
  readonly type: OAuthServerType;
  /** Our service name (the client id at the server). */
  readonly clientId: string;
  /** The tenant (ACS `iss` realm and audience realm). */
  readonly tenant: string;
  /** The token endpoint URL (its host goes into the ACS audience; the whole URL is the RFC 7523 audience). */
  readonly tokenEndpoint: string;
  readonly now: Date;
  /** A unique id (RFC 7523 §3 `jti`). */
  readonly jti: string;
  readonly x5t: string;
  readonly privateKey: KeyObject;
}

/**
 * `acs`: `iss <our id>@<tenant>`, `aud 00000001-…/<token endpoint host>@<tenant>`, `nbf`, `exp` (Exchange's
 * form, §8 step 2). `oauth2`: `iss` = `sub` = our id, `aud` = the token endpoint, `jti`, `iat`, `nbf`, `exp`.
 */
export function buildClientAssertion(input: ClientAssertionInput): string {
  const now = epochSeconds(input.now);
  const exp = now + CLIENT_ASSERTION_LIFETIME_SECONDS;
  const payload =
    input.type === 'acs'
      ? {
          aud: `${ACS_PRINCIPAL_ID}/${new URL(input.tokenEndpoint).host}@${input.tenant}`.toLowerCase(),
          iss: `${input.clientId}@${input.tenant}`.toLowerCase(),
          nbf: String(now),
          exp: String(exp),
          jti: input.jti,
        }
      : {
          iss: input.clientId,
          sub: input.clientId,
          aud: input.tokenEndpoint,
          jti: input.jti,
          iat: now,
          nbf: now,
          exp,
        };
  const header = encodeBase64Url(
    JSON.stringify({ typ: 'JWT', alg: 'RS256', x5t: input.x5t, kid: input.x5t }),
  );
  const signingInput = `${header}.${encodeBase64Url(JSON.stringify(payload))}`;
  return `${signingInput}.${signRs256(signingInput, input.privateKey).toString('base64url')}`;
}
