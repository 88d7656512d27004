/**
 * Error and warning codes of token issuance and validation (docs/errors.md is generated from these).
 *
 * Every validation refusal carries the Exchange detail code and category it maps to (docs/protocol.md §6.2);
 * codes with a hundreds digit of 1 (2101…, 3101, 7101) are s2s extensions inside Exchange's category
 * ranges, for refusals Exchange has no detail code for (docs/tokens.md, "Diagnostic codes").
 */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';
import type { ErrorDefinition } from '../shared/errors.ts';

const refusal = (code: number, category: string, meaning: string, fix: string): ErrorDefinition => ({
  category: 'refused',
  meaning,
  fix,
  diagnostic: { code, category },
});

const CHECK_PARTNER =
  'Check the calling server: it must send a token built as docs/protocol.md §2.3/§2.4 describes.';

export const TOKEN_ERRORS = defineErrors({
  ERR_TOKEN_MISSING: refusal(
    2100,
    'invalid_token',
    'The request carried no bearer token (no Authorization header, another scheme, or an empty `Bearer`): the answer is the bare challenge used for realm discovery.',
    'Nothing to fix when a partner is discovering our realm; otherwise send `Authorization: Bearer <token>`.',
  ),
  ERR_TOKEN_MALFORMED: refusal(
    2101,
    'invalid_token',
    'The token is not a strict compact JWS: not three segments, non-canonical base64url, invalid UTF-8 or JSON, duplicate or `__proto__` members.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_TOO_LARGE: refusal(
    2102,
    'invalid_token',
    'The token, its header or one of its claims exceeds the size limits (docs/tokens.md).',
    'Check the calling server; S2S tokens are a few kilobytes at most.',
  ),
  ERR_TOKEN_HEADER_REFUSED: refusal(
    2103,
    'invalid_token',
    'The JOSE header names a key or extension we never honour (`jwk`, `jku`, `x5u`, `x5c` or `crit`; RFC 8725 §3.10).',
    'The caller must identify its key by `x5t`/`kid` of a certificate published in its metadata document.',
  ),
  ERR_TOKEN_HEADER_INVALID: refusal(
    2104,
    'invalid_token',
    'The JOSE header is unusable: `typ` is not JWT, or `alg`, `x5t` or `kid` is missing, not a string, or `x5t` and `kid` disagree.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_ALG_NOT_ALLOWED: refusal(
    1001,
    'invalid_signature',
    'The token is signed with an algorithm other than RS256 (only RS256 actor tokens and unsigned outer tokens exist in S2S).',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_ACTOR_UNSIGNED: refusal(
    2002,
    'invalid_token',
    'An actor or app-only token is unsigned (`alg: none` is allowed only on an outer token carrying `actortoken`).',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_OUTER_SIGNED: refusal(
    2001,
    'invalid_token',
    'The outer token of an act-as pair is signed; it must be unsigned (`alg: none`) with the signed actor inside.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_CLAIM_MISSING: refusal(
    2004,
    'invalid_token',
    'A required claim (`aud`, `nbf`, `exp`) is missing from the token.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_CLAIM_INVALID: refusal(
    2105,
    'invalid_token',
    'A claim has the wrong type or form (time claims must be decimal integers as strings or JSON integers).',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_ISSUER_MISSING: refusal(2003, 'invalid_token', 'The token has no `iss` claim.', CHECK_PARTNER),
  ERR_TOKEN_ISSUER_INVALID: refusal(
    2006,
    'invalid_token',
    'The `iss` claim is not of the form `<principal id>@<realm>`.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_ISSUER_UNKNOWN: refusal(
    2008,
    'invalid_token',
    'No partner application (and not our own service, and no OAuth server) matches the issuer of the token.',
    'Register the caller with `s2s partner new` (or its authorization server with `s2s oauth-server new`), or check its service name and realm against `s2s partner get`.',
  ),
  ERR_TOKEN_PARTNER_DISABLED: refusal(
    2008,
    'invalid_token',
    'The partner application the token names is disabled.',
    'Enable it with `s2s partner set --identity <name> --enabled true` if the partner should be trusted.',
  ),
  ERR_TOKEN_NAMEID_MISSING: refusal(
    2005,
    'invalid_token',
    'The actor token has no `nameid` claim.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_NAMEID_INVALID: refusal(
    2007,
    'invalid_token',
    'The actor `nameid` claim is not of the form `<application id>@<realm>`.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_NAMEID_APP_MISMATCH: refusal(
    7002,
    'invalid_client',
    'The application id in the actor `nameid` differs from the issuer id.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_NAMEID_REALM_MISMATCH: refusal(
    2017,
    'invalid_token',
    'The realm in the actor `nameid` differs from the issuer realm.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_OUTER_ISSUER_MISMATCH: refusal(
    2015,
    'invalid_token',
    'The outer token `iss` id differs from the actor token `nameid` id (docs/protocol.md §2.6, §2.7).',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_OUTER_REALM_MISMATCH: refusal(
    2016,
    'invalid_token',
    'The outer token `iss` realm differs from the actor token `nameid` realm.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_ACTOR_USER_CLAIMS: refusal(
    2106,
    'invalid_token',
    'The actor token carries user claims (`scp`, `upn`, `unique_name`, `altsecid`): an actor must be an application.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_USER_CLAIMS_MISSING: refusal(
    2107,
    'invalid_token',
    'The outer token names no user (`nameid` missing or empty).',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_KEY_UNKNOWN: refusal(
    10001,
    'invalid_certificate',
    "The certificate named by `x5t`/`kid` is not one the issuer registered, or not one its OAuth server's metadata lists (a metadata refresh is requested).",
    'Run `s2s partner refresh --identity <name>` (or `s2s oauth-server refresh`) after the issuer rolled its certificate; a token signed by our own certificate is only accepted with our own issuer.',
  ),
  ERR_TOKEN_INVALID_SIGNATURE: refusal(
    1001,
    'invalid_signature',
    "The RS256 signature does not verify with the issuer's registered certificate.",
    'Refresh the partner (`s2s partner refresh`); if it persists the token was altered or forged.',
  ),
  ERR_TOKEN_EXPIRED: refusal(
    3001,
    'token_expired',
    'The token (actor or outer) expired, beyond the allowed clock skew.',
    "Check both servers' clocks; the caller must renew its token.",
  ),
  ERR_TOKEN_NOT_YET_VALID: refusal(
    3101,
    'token_expired',
    'The token is not valid yet (`nbf` in the future beyond the allowed clock skew).',
    "Check both servers' clocks (NTP).",
  ),
  ERR_TOKEN_LIFETIME_INVALID: refusal(
    3102,
    'token_expired',
    'The token expires before it becomes valid (`exp` ≤ `nbf`).',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_LIFETIME_TOO_LONG: refusal(
    3103,
    'token_expired',
    'The token (actor or outer) is valid for longer than the maximum token lifetime (`exp − nbf` over `maxTokenLifetimeSeconds`, default 24 h, plus the clock skew; docs/protocol.md §2.5).',
    'Check the calling server: Microsoft servers issue tokens of 24 h at most. Lower its token lifetime, or raise `s2s oauth set --max-token-lifetime` (at most 24h).',
  ),
  ERR_TOKEN_OUTER_OUTLIVES_ACTOR: refusal(
    3104,
    'token_expired',
    "The outer (user) token expires after its actor token, beyond the clock skew (docs/protocol.md §2.4: an outer token is capped at the actor's expiry).",
    CHECK_PARTNER,
  ),
  ERR_TOKEN_AUDIENCE_MALFORMED: refusal(
    4001,
    'invalid_resource',
    'The `aud` claim is not `<principal id>/<host>@<realm>` (empty realm, `@` before `/`, ...).',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_AUDIENCE_HOST: refusal(
    4002,
    'invalid_resource',
    'The host in `aud` is not one of our host names (or, with none configured, not the host the request was sent to).',
    "Add the host name partners use with `s2s oauth set --host-names …`, or fix the partner's target URL.",
  ),
  ERR_TOKEN_AUDIENCE_ID: refusal(
    4003,
    'invalid_resource',
    'The principal id in `aud` is not our service name: the token was meant for another service.',
    CHECK_PARTNER,
  ),
  ERR_TOKEN_OAUTH_SERVER_TENANT: refusal(
    2011,
    'invalid_token',
    'The token comes from a trusted OAuth server (ACS, Entra ID) but names another tenant: its issuer realm is not the tenant the server is registered for, or its audience realm is not its issuer realm.',
    'Check `s2s oauth-server get` (Realm) against the tenant of the calling service; a token of another tenant is never accepted.',
  ),
  ERR_TOKEN_NO_PARTNER_FOR_APP: refusal(
    7001,
    'invalid_token',
    'The token was issued by a trusted OAuth server, but no partner application registered through that server (--use-oauth-server) has the application id it names (`nameid`, or `client_id`/`azp`/`appid`).',
    'Register the calling application: `s2s partner new --identity <name> --application-identifier <its id> --use-oauth-server <server>`.',
  ),
  ERR_TOKEN_AUDIENCE_REALM: refusal(
    5002,
    'invalid_tenant',
    'The realm in `aud` is not our realm.',
    'Check `s2s oauth get` (realm) against the realm the partner targets.',
  ),
  ERR_TOKEN_TRUST_LEVEL: refusal(
    7101,
    'invalid_client',
    "The partner's trust level forbids this kind of token (Application: no act-as; User: no app-only; docs/protocol.md §4).",
    'Change the trust level with `s2s partner set --trust-level Full` if the partner should be trusted for it.',
  ),
  ERR_TOKEN_VALIDATION_FAULT: refusal(
    8101,
    'internal_error',
    'Validation could not complete because of an internal fault (the token is refused, never accepted).',
    'Check the server log for the fault and report it.',
  ),
  ERR_TOKEN_NO_SIGNING_CERTIFICATE: {
    category: 'refused',
    meaning: 'No current OAuthTokenIssuer certificate with a private key is available to sign tokens.',
    fix: 'Import or request one and assign it: `s2s certificate import … --type OAuthTokenIssuer`.',
  },
  ERR_TOKEN_PARTNER_NOT_FOUND: {
    category: 'not_found',
    meaning: 'No partner application has the identity given to `s2s token new --partner`.',
    fix: 'List partners with `s2s partner get`.',
  },
  ERR_TOKEN_TARGET_DISABLED: {
    category: 'refused',
    meaning: 'Tokens are not issued for a disabled partner application.',
    fix: 'Enable the partner with `s2s partner set --identity <name> --enabled true`.',
  },
  ERR_TOKEN_ISSUE_INPUT: {
    category: 'usage',
    meaning:
      'A value given to issue a token is malformed (target host, user SIP address, SMTP address, UPN).',
    fix: 'Correct the value named in the message.',
  },
});

export type TokenErrorCode = keyof typeof TOKEN_ERRORS;

export const TOKEN_WARNINGS = defineWarnings({});
/** Raises one of this module's error codes. */
export const tokenError = errorFactory(TOKEN_ERRORS);
