/** Checks of the unsigned outer token of an act-as pair (docs/protocol.md §2.4, §2.6 "Act-as"). */
import { tokenError } from './token-errors.ts';
import { parsePrincipalName, sameName } from './principal-name.ts';
import type { PrincipalName } from './principal-name.ts';
import { stringClaim } from './token-claims.ts';
import type { ClaimSet } from './token-claims.ts';
import type { TrustContext } from './trust-context.ts';
import { CheckMemo, trustIndexOf } from './trust-index.ts';
import type { ActingUserClaims } from './validation-outcome.ts';

/**
 * The outer `iss` is bound to the verified actor's `nameid` (§2.6 act-as step 3, §2.7): id (2015) and
 * realm (2016; Exchange maps both to one organization, we have exactly one realm, so they must be equal).
 */
export function checkOuterIssuer(
  claims: ClaimSet,
  actorNameId: PrincipalName,
  ctx: TrustContext,
): PrincipalName {
  const iss = stringClaim(claims.iss, 'iss', ctx.limits.maxClaimLength, 'outer token');
  if (iss === null) throw tokenError('ERR_TOKEN_ISSUER_MISSING', 'the outer token has no "iss" claim');
  const memo = trustIndexOf(ctx).memo;
  const known = memo.outerIssuers.get(iss);
  if (known !== undefined && known.actor === actorNameId) return known.name;
  const name = bindOuterIssuer(iss, actorNameId);
  CheckMemo.remember(memo.outerIssuers, iss, { actor: actorNameId, name });
  return name;
}

function bindOuterIssuer(iss: string, actorNameId: PrincipalName): PrincipalName {
  const name = parsePrincipalName(iss);
  if (!name)
    throw tokenError('ERR_TOKEN_ISSUER_INVALID', 'the outer token "iss" is not <principal id>@<realm>');
  if (!sameName(name.id, actorNameId.id)) {
    throw tokenError(
      'ERR_TOKEN_OUTER_ISSUER_MISMATCH',
      `the outer token issuer ${name.id} is not the actor ${actorNameId.id}`,
    );
  }
  if (!sameName(name.realm, actorNameId.realm)) {
    throw tokenError(
      'ERR_TOKEN_OUTER_REALM_MISMATCH',
      `the outer token issuer realm ${name.realm} is not the actor realm ${actorNameId.realm}`,
    );
  }
  return name;
}

/** The user claims (§2.4): `nameid` required and non-empty (2107); `nii`, `smtp`, `sip`, `upn` optional strings. */
export function readActingUser(claims: ClaimSet, ctx: TrustContext): ActingUserClaims {
  const max = ctx.limits.maxClaimLength;
  const nameid = stringClaim(claims.nameid, 'nameid', max, 'outer token');
  if (nameid === null || nameid.trim().length === 0)
    throw tokenError('ERR_TOKEN_USER_CLAIMS_MISSING', 'the outer token names no user ("nameid")');
  return {
    nameid,
    nii: stringClaim(claims.nii, 'nii', max, 'outer token'),
    smtp: stringClaim(claims.smtp, 'smtp', max, 'outer token'),
    sip: stringClaim(claims.sip, 'sip', max, 'outer token'),
    upn: stringClaim(claims.upn, 'upn', max, 'outer token'),
  };
}
