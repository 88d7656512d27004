/**
 * The named steps of validating one token (docs/protocol.md §2.6, §2.7, §4), in Exchange's order, split at
 * the RSA verification so it can run in line or on the thread pool: {@link beginValidation} runs every
 * step up to choosing the keys, {@link finishValidation} every step after the signature verified.
 * Parsing is strict before any cryptography (RFC 8725); each step is entered on the trace, and a pass
 * detail is only built when explaining.
 */
import { tokenError } from './token-errors.ts';
import { parseCompactJws } from './compact-jws.ts';
import type { CompactJws } from './compact-jws.ts';
import { readS2sHeader } from './jose-header.ts';
import type { S2sHeader } from './jose-header.ts';
import { claimNames, parseClaimSet } from './token-claims.ts';
import type { ClaimSet } from './token-claims.ts';
import {
  checkAudience,
  checkAudienceForIssuer,
  checkLifetime,
  checkOuterWithinActor,
  checkNameId,
  matchIssuer,
  refuseUserClaims,
  resolveServerApplication,
  selectKeys,
} from './actor-checks.ts';
import type { MatchedIssuer } from './actor-checks.ts';
import { checkOuterIssuer, readActingUser } from './outer-checks.ts';
import type { TrustContext } from './trust-context.ts';
import type { VerifiedSigner } from './trust-index.ts';
import type { ValidationTrace } from './validation-trace.ts';
import type { ActingUserClaims, S2sPrincipal } from './validation-outcome.ts';
import type { PrincipalName } from './principal-name.ts';
import type { PartnerApplication } from '../partners/partner-application.ts';

/** A token parsed and checked up to its signature: what remains is to verify it and finish. */
export interface PendingValidation {
  /** The signed actor (the token itself when app-only). */
  readonly actorJws: CompactJws;
  readonly actorClaims: ClaimSet;
  readonly issuer: MatchedIssuer;
  /** The keys to try, in order. */
  readonly signers: readonly VerifiedSigner[];
  /** The unsigned outer token's claims of an act-as pair; null for app-only. */
  readonly outerClaims: ClaimSet | null;
  readonly requestUrl: string | URL;
}

/** Every step before the signature: parse, header, claims, classify, [actor-*], audience, issuer, key. */
export function beginValidation(
  token: string,
  requestUrl: string | URL,
  ctx: TrustContext,
  trace: ValidationTrace,
): PendingValidation {
  trace.enter('parse');
  const jws = parseCompactJws(token, ctx.limits);
  if (trace.explaining) trace.pass('three canonical base64url segments within the size limits');
  trace.enter('header');
  const header = readS2sHeader(jws.header, 'token');
  if (trace.explaining) trace.pass(headerDetail(header));
  trace.enter('claims');
  const claims = parseClaimSet(jws.payload, ctx.limits, 'token');
  if (trace.explaining) trace.pass(`claims: ${claimNames(claims, ctx.limits, 'token').join(', ')}`);
  trace.enter('classify');
  const actAs = classify(jws, header, claims);
  if (trace.explaining)
    trace.pass(
      actAs ? 'act-as: unsigned outer token carrying an actor token' : 'app-only: signed actor token',
    );
  if (!actAs) return beginActor(jws, header, claims, null, requestUrl, ctx, trace);
  trace.enter('actor-parse');
  const actorJws = parseCompactJws(claims.actortoken as string, ctx.limits, 'actor token');
  if (trace.explaining) trace.pass('three canonical base64url segments');
  trace.enter('actor-header');
  const actorHeader = readS2sHeader(actorJws.header, 'actor token');
  assertRs256(actorHeader, 'actor token');
  if (trace.explaining) trace.pass(headerDetail(actorHeader));
  trace.enter('actor-claims');
  const actorClaims = readActorClaims(actorJws, ctx);
  if (trace.explaining)
    trace.pass(`claims: ${claimNames(actorClaims, ctx.limits, 'actor token').join(', ')}`);
  return beginActor(actorJws, actorHeader, actorClaims, claims, requestUrl, ctx, trace);
}

/** The actor's steps before its signature (§2.6): audience, issuer, key. */
function beginActor(
  actorJws: CompactJws,
  header: S2sHeader,
  actorClaims: ClaimSet,
  outerClaims: ClaimSet | null,
  requestUrl: string | URL,
  ctx: TrustContext,
  trace: ValidationTrace,
): PendingValidation {
  trace.enter('audience');
  const aud = checkAudience(actorClaims, ctx, requestUrl, 'actor token');
  if (trace.explaining)
    trace.pass(
      aud.url ? `addressed to https://${aud.host}` : `addressed to ${aud.id}/${aud.host}@${aud.realm}`,
    );
  trace.enter('issuer');
  const issuer = matchIssuer(actorClaims, ctx);
  checkAudienceForIssuer(aud, issuer, ctx);
  if (trace.explaining) trace.pass(issuerDetail(issuer));
  trace.enter('key');
  const signers = selectKeys(header, issuer, trace);
  if (trace.explaining)
    trace.pass(
      `candidate certificate(s): ${signers.map((x) => `${x.key.thumbprint} (${x.key.role})`).join(', ')}`,
    );
  trace.enter('signature');
  return { actorJws, actorClaims, issuer, signers, outerClaims, requestUrl };
}

/** Every step after the signature verified with `signer`: lifetime, nameid, actor-is-app, [outer-*, user], trust-level. */
export function finishValidation(
  pending: PendingValidation,
  signer: VerifiedSigner,
  ctx: TrustContext,
  trace: ValidationTrace,
): S2sPrincipal {
  if (trace.explaining) trace.pass(`RS256 signature verified with ${signer.key.thumbprint}`);
  const claims = pending.actorClaims;
  const server = signer.candidate.kind === 'oauth-server' ? signer.candidate.server! : null;
  trace.enter('lifetime');
  const life = checkLifetime(claims, ctx, 'actor token', server?.type === 'oauth2');
  if (trace.explaining) trace.pass(lifetimeDetail(life));
  trace.enter('nameid');
  let nameid: PrincipalName;
  let app = signer.candidate.application;
  if (server) {
    const resolved = resolveServerApplication(claims, pending.issuer, ctx);
    nameid = resolved.nameid;
    app = resolved.application;
    if (trace.explaining)
      trace.pass(
        `issued by OAuth server ${server.identity} to application ${nameid.id}: partner ${app.identity}`,
      );
  } else {
    nameid = checkNameId(claims, pending.issuer.name, ctx);
    if (trace.explaining) trace.pass(`nameid ${nameid.id}@${nameid.realm} matches the issuer`);
  }
  trace.enter('actor-is-app');
  refuseUserClaims(claims);
  if (trace.explaining) trace.pass('no user claims in the actor token');
  const outer = pending.outerClaims;
  if (outer === null) return principalOf(signer, app, nameid, null, life.exp, trace);
  // The outer token is unsigned: everything it says is bound to the verified actor or checked again.
  trace.enter('outer-audience');
  const aud = checkAudience(outer, ctx, pending.requestUrl, 'outer token');
  if (trace.explaining) trace.pass(`addressed to ${aud.id}/${aud.host}@${aud.realm}`);
  trace.enter('outer-issuer');
  const iss = checkOuterIssuer(outer, nameid, ctx);
  if (trace.explaining) trace.pass(`outer iss ${iss.id}@${iss.realm} is the actor nameid`);
  trace.enter('outer-lifetime');
  const outerLife = checkLifetime(outer, ctx, 'outer token');
  checkOuterWithinActor(outerLife.exp, life.exp, ctx);
  if (trace.explaining) trace.pass(lifetimeDetail(outerLife));
  trace.enter('user');
  const user = readActingUser(outer, ctx);
  if (trace.explaining) trace.pass(`acting for user ${user.nameid}${user.nii ? ` (nii ${user.nii})` : ''}`);
  return principalOf(signer, app, nameid, user, Math.min(life.exp, outerLife.exp), trace);
}

/**
 * §2.4/§2.7: `actortoken` makes an act-as pair, whose outer token must be unsigned (2001); without it the
 * token is an actor and must be RS256 (unsigned: 2002; another algorithm: 1001).
 */
function classify(jws: CompactJws, header: S2sHeader, claims: ClaimSet): boolean {
  const actorToken = claims.actortoken;
  if (actorToken !== undefined) {
    if (header.alg !== 'none')
      throw tokenError(
        'ERR_TOKEN_OUTER_SIGNED',
        'the outer token is signed; it must be unsigned with the signed actor inside',
      );
    if (jws.signature.length !== 0)
      throw tokenError('ERR_TOKEN_MALFORMED', 'an unsigned token carries a signature segment');
    if (typeof actorToken !== 'string')
      throw tokenError('ERR_TOKEN_CLAIM_INVALID', 'the "actortoken" claim is not a string', {
        claim: 'actortoken',
      });
    return true;
  }
  assertRs256(header, 'token');
  return false;
}

function assertRs256(header: S2sHeader, what: string): void {
  if (header.alg === 'none')
    throw tokenError(
      'ERR_TOKEN_ACTOR_UNSIGNED',
      `the ${what} is unsigned; actor and app-only tokens must be RS256-signed`,
    );
  if (header.alg !== 'RS256')
    throw tokenError(
      'ERR_TOKEN_ALG_NOT_ALLOWED',
      `the ${what} uses algorithm ${header.alg.replace(/[^\w-]/g, '?')}; only RS256 is accepted`,
      { alg: header.alg },
    );
}

function readActorClaims(jws: CompactJws, ctx: TrustContext): ClaimSet {
  const claims = parseClaimSet(jws.payload, ctx.limits, 'actor token');
  if (claims.actortoken !== undefined)
    throw tokenError('ERR_TOKEN_CLAIM_INVALID', 'an actor token may not carry another actor token', {
      claim: 'actortoken',
    });
  return claims;
}

/** §4 trust levels: Application refuses act-as, User refuses app-only; then the principal. */
function principalOf(
  signer: VerifiedSigner,
  app: PartnerApplication | null,
  nameid: { readonly id: string; readonly realm: string },
  user: ActingUserClaims | null,
  exp: number,
  trace: ValidationTrace,
): S2sPrincipal {
  const trustLevel = app?.trustLevel ?? 'Full';
  trace.enter('trust-level');
  if (user !== null && trustLevel === 'Application')
    throw tokenError('ERR_TOKEN_TRUST_LEVEL', 'the partner has Application trust: it may not act for users');
  if (user === null && trustLevel === 'User')
    throw tokenError(
      'ERR_TOKEN_TRUST_LEVEL',
      'the partner has User trust: it may not call as itself (app-only)',
    );
  if (trace.explaining) trace.pass(`trust level ${trustLevel} allows ${user ? 'act-as' : 'app-only'} tokens`);
  return {
    kind: app ? 'partner' : 'self',
    partnerIdentity: app?.identity ?? nameid.id.toLowerCase(),
    applicationIdentifier: (app?.applicationIdentifier ?? nameid.id).toLowerCase(),
    realm: (app?.realm ?? nameid.realm).toLowerCase(),
    trustLevel,
    acceptSecurityIdentifierInformation: app?.acceptSecurityIdentifierInformation ?? true,
    mode: user ? 'user' : 'app',
    user,
    expiresAt: new Date(exp * 1000),
    signingThumbprint: signer.key.thumbprint,
  };
}

function headerDetail(h: S2sHeader): string {
  return `alg ${h.alg}${h.x5t ? `, x5t ${h.x5t}` : ''}`;
}

function issuerDetail(m: MatchedIssuer): string {
  const parties = m.entry.candidates.map((c) =>
    c.kind === 'self'
      ? 'our own service (pool peers)'
      : c.kind === 'oauth-server'
        ? `OAuth server ${c.server!.identity} (${c.server!.type}, keys from its metadata)`
        : `partner ${c.application!.identity}`,
  );
  return `issuer ${m.name.id}@${m.name.realm}: ${parties.join(', ')}`;
}

function lifetimeDetail(l: { nbf: number; exp: number }): string {
  return `valid ${new Date(l.nbf * 1000).toISOString()} – ${new Date(l.exp * 1000).toISOString()}`;
}
