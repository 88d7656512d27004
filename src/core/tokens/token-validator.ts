/**
 * Validation of an incoming S2S token: ONE entry point taking the Authorization header and the request
 * URL (protocol.md §2.6, §2.7, §4, §6.2). Parsing is strict before any cryptography (RFC 8725); every
 * refusal is a stable ERR_TOKEN_… code with its Exchange diagnostic; every step is recorded for explain.
 */
import { S2sError } from '../shared/errors.ts';
import { tokenError } from './token-errors.ts';
import { parseCompactJws } from './compact-jws.ts';
import type { CompactJws } from './compact-jws.ts';
import { readS2sHeader } from './jose-header.ts';
import type { S2sHeader } from './jose-header.ts';
import { parseClaimSet } from './token-claims.ts';
import type { ClaimSet } from './token-claims.ts';
import {
  checkAudience,
  checkLifetime,
  checkNameId,
  matchIssuer,
  refuseUserClaims,
  selectKeys,
  verifySignature,
} from './actor-checks.ts';
import type { VerifiedSigner } from './actor-checks.ts';
import type { PrincipalName } from './principal-name.ts';
import { checkOuterIssuer, readActingUser } from './outer-checks.ts';
import { refusalFor } from './token-refusal.ts';
import type { ChallengeParameters } from './token-refusal.ts';
import type { TrustContext } from './trust-context.ts';
import { ValidationTrace } from './validation-trace.ts';
import type { ValidationStep } from './validation-trace.ts';
import type { ActingUserClaims, S2sPrincipal, ValidationOutcome } from './validation-outcome.ts';

/** The outcome plus the steps that led to it. */
export interface ValidationReport {
  readonly outcome: ValidationOutcome;
  readonly steps: readonly ValidationStep[];
  /** A partner whose keys may be stale (unknown `x5t`): the caller should request a metadata refresh. */
  readonly refreshPartner: string | null;
}

/** A verified actor: who signed, as whom, until when. */
interface VerifiedActor {
  readonly signer: VerifiedSigner;
  readonly nameid: PrincipalName;
  readonly exp: number;
}

/**
 * Validates `Authorization: Bearer <token>` for a request to `requestUrl`. With `explain` every passing
 * step is recorded with its detail; without, only a failing step is (the hot path builds no strings).
 */
export function validateAuthorization(
  authorization: string | null | undefined,
  requestUrl: string | URL,
  ctx: TrustContext,
  options: { explain?: boolean } = {},
): ValidationReport {
  const trace = new ValidationTrace(options.explain ?? false);
  try {
    const token = trace.step(
      'authorization',
      () => bearerToken(authorization),
      () => 'a bearer token is present',
    );
    return {
      outcome: { ok: true, principal: validateToken(token, requestUrl, ctx, trace) },
      steps: trace.steps,
      refreshPartner: null,
    };
  } catch (err) {
    const failure =
      err instanceof S2sError ? err : tokenError('ERR_TOKEN_VALIDATION_FAULT', 'internal fault');
    return {
      outcome: { ok: false, refusal: refusalFor(failure, challengeParameters(ctx)) },
      steps: trace.steps,
      refreshPartner: trace.refreshPartner,
    };
  }
}

/** Validates a bare token (no header), e.g. for `s2s token test`: the same steps after `authorization`. */
export function explainToken(token: string, requestUrl: string | URL, ctx: TrustContext): ValidationReport {
  return validateAuthorization(`Bearer ${token.trim()}`, requestUrl, ctx, { explain: true });
}

/** The challenge parameters: our realm and id, and every issuer we accept (ourselves first). */
export function challengeParameters(ctx: TrustContext): ChallengeParameters {
  const issuers = [`${ctx.serviceName}@${ctx.realm}`];
  for (const p of ctx.partners) {
    if (!p.application.enabled) continue;
    const issuer = `${p.application.applicationIdentifier}@${p.application.realm || '*'}`;
    if (!issuers.includes(issuer)) issuers.push(issuer);
  }
  return { realm: ctx.realm, serviceName: ctx.serviceName, trustedIssuers: issuers };
}

/** RFC 6750 §2.1: `Bearer <token>`; anything else (absent, other scheme, empty) gets the bare challenge. */
function bearerToken(authorization: string | null | undefined): string {
  const value = authorization ?? '';
  const scheme = value.slice(0, 6);
  const separator = value.charCodeAt(6);
  if (scheme.toLowerCase() !== 'bearer' || (value.length > 6 && separator !== 0x20 && separator !== 0x09)) {
    throw tokenError('ERR_TOKEN_MISSING', 'no bearer token was presented');
  }
  const token = value.slice(7).trim();
  if (token.length === 0) throw tokenError('ERR_TOKEN_MISSING', 'no bearer token was presented');
  // Inner white space is refused by the canonical base64url check of the parse step.
  return token;
}

function validateToken(
  token: string,
  requestUrl: string | URL,
  ctx: TrustContext,
  trace: ValidationTrace,
): S2sPrincipal {
  const jws = trace.step(
    'parse',
    () => parseCompactJws(token, ctx.limits),
    () => 'three canonical base64url segments within the size limits',
  );
  const header = trace.step(
    'header',
    () => readS2sHeader(jws.header, 'token'),
    (h) => `alg ${h.alg}${h.x5t ? `, x5t ${h.x5t}` : ''}`,
  );
  const claims = trace.step(
    'claims',
    () => parseClaimSet(jws.payload, ctx.limits, 'token'),
    (c) => `claims: ${Object.keys(c).join(', ')}`,
  );
  const actAs = trace.step(
    'classify',
    () => classify(jws, header, claims),
    (a) => (a ? 'act-as: unsigned outer token carrying an actor token' : 'app-only: signed actor token'),
  );
  if (!actAs) {
    const actor = verifyActor(jws, header, claims, requestUrl, ctx, trace);
    return principalOf(actor, null, actor.exp, trace);
  }
  const actorToken = claims['actortoken'] as string;
  const actorJws = trace.step(
    'actor-parse',
    () => parseCompactJws(actorToken, ctx.limits, 'actor token'),
    () => 'three canonical base64url segments',
  );
  const actorHeader = trace.step(
    'actor-header',
    () => readSignedHeader(actorJws),
    (h) => `alg ${h.alg}${h.x5t ? `, x5t ${h.x5t}` : ''}`,
  );
  const actorClaims = trace.step(
    'actor-claims',
    () => readActorClaims(actorJws, ctx),
    (c) => `claims: ${Object.keys(c).join(', ')}`,
  );
  const actor = verifyActor(actorJws, actorHeader, actorClaims, requestUrl, ctx, trace);
  // The outer token is unsigned: everything it says is bound to the verified actor or checked again.
  trace.step(
    'outer-audience',
    () => checkAudience(claims, ctx, requestUrl, 'outer token'),
    (a) => `addressed to ${a.id}/${a.host}@${a.realm}`,
  );
  trace.step(
    'outer-issuer',
    () => checkOuterIssuer(claims, actor.nameid, ctx),
    (n) => `outer iss ${n.id}@${n.realm} is the actor nameid`,
  );
  const outerLife = trace.step(
    'outer-lifetime',
    () => checkLifetime(claims, ctx, 'outer token'),
    (l) => lifetimeDetail(l),
  );
  const user = trace.step(
    'user',
    () => readActingUser(claims, ctx),
    (u) => `acting for user ${u.nameid}${u.nii ? ` (nii ${u.nii})` : ''}`,
  );
  return principalOf(actor, user, Math.min(actor.exp, outerLife.exp), trace);
}

/**
 * §2.4/§2.7: `actortoken` makes an act-as pair, whose outer token must be unsigned (2001); without it the
 * token is an actor and must be RS256 (unsigned: 2002; another algorithm: 1001).
 */
function classify(jws: CompactJws, header: S2sHeader, claims: ClaimSet): boolean {
  if (Object.hasOwn(claims, 'actortoken')) {
    if (header.alg !== 'none')
      throw tokenError(
        'ERR_TOKEN_OUTER_SIGNED',
        'the outer token is signed; it must be unsigned with the signed actor inside',
      );
    if (jws.signature.length !== 0)
      throw tokenError('ERR_TOKEN_MALFORMED', 'an unsigned token carries a signature segment');
    if (typeof claims['actortoken'] !== 'string')
      throw tokenError('ERR_TOKEN_CLAIM_INVALID', 'the "actortoken" claim is not a string', {
        claim: 'actortoken',
      });
    return true;
  }
  assertRs256(header, 'token');
  return false;
}

function readSignedHeader(jws: CompactJws): S2sHeader {
  const header = readS2sHeader(jws.header, 'actor token');
  assertRs256(header, 'actor token');
  return header;
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
  if (Object.hasOwn(claims, 'actortoken'))
    throw tokenError('ERR_TOKEN_CLAIM_INVALID', 'an actor token may not carry another actor token', {
      claim: 'actortoken',
    });
  return claims;
}

/** The §2.6 actor checks, each a named step. */
function verifyActor(
  jws: CompactJws,
  header: S2sHeader,
  claims: ClaimSet,
  requestUrl: string | URL,
  ctx: TrustContext,
  trace: ValidationTrace,
): VerifiedActor {
  trace.step(
    'audience',
    () => checkAudience(claims, ctx, requestUrl, 'actor token'),
    (a) => `addressed to ${a.id}/${a.host}@${a.realm}`,
  );
  const issuer = trace.step(
    'issuer',
    () => matchIssuer(claims, ctx),
    (m) => `issuer ${m.name.id}@${m.name.realm}: ${m.candidates.map(describeCandidate).join(', ')}`,
  );
  const signers = trace.step(
    'key',
    () => selectKeys(header, issuer, trace),
    (s) => `candidate certificate(s): ${s.map((x) => `${x.key.thumbprint} (${x.key.role})`).join(', ')}`,
  );
  const signer = trace.step(
    'signature',
    () => verifySignature(jws, signers),
    (s) => `RS256 signature verified with ${s.key.thumbprint}`,
  );
  const life = trace.step(
    'lifetime',
    () => checkLifetime(claims, ctx, 'actor token'),
    (l) => lifetimeDetail(l),
  );
  const nameid = trace.step(
    'nameid',
    () => checkNameId(claims, issuer.name, ctx),
    (n) => `nameid ${n.id}@${n.realm} matches the issuer`,
  );
  trace.step(
    'actor-is-app',
    () => refuseUserClaims(claims),
    () => 'no user claims in the actor token',
  );
  return { signer, nameid, exp: life.exp };
}

function describeCandidate(c: { kind: string; application: { identity: string } | null }): string {
  return c.kind === 'self' ? 'our own service (pool peers)' : `partner ${c.application!.identity}`;
}

function lifetimeDetail(l: { nbf: number; exp: number }): string {
  return `valid ${new Date(l.nbf * 1000).toISOString()} – ${new Date(l.exp * 1000).toISOString()}`;
}

/** §4 trust levels: Application refuses act-as, User refuses app-only; then the principal. */
function principalOf(
  actor: VerifiedActor,
  user: ActingUserClaims | null,
  exp: number,
  trace: ValidationTrace,
): S2sPrincipal {
  const app = actor.signer.candidate.application;
  const trustLevel = app?.trustLevel ?? 'Full';
  trace.step(
    'trust-level',
    () => {
      if (user !== null && trustLevel === 'Application')
        throw tokenError(
          'ERR_TOKEN_TRUST_LEVEL',
          'the partner has Application trust: it may not act for users',
        );
      if (user === null && trustLevel === 'User')
        throw tokenError(
          'ERR_TOKEN_TRUST_LEVEL',
          'the partner has User trust: it may not call as itself (app-only)',
        );
    },
    () => `trust level ${trustLevel} allows ${user ? 'act-as' : 'app-only'} tokens`,
  );
  return {
    kind: app ? 'partner' : 'self',
    partnerIdentity: app?.identity ?? actor.nameid.id.toLowerCase(),
    applicationIdentifier: (app?.applicationIdentifier ?? actor.nameid.id).toLowerCase(),
    realm: (app?.realm ?? actor.nameid.realm).toLowerCase(),
    trustLevel,
    acceptSecurityIdentifierInformation: app?.acceptSecurityIdentifierInformation ?? true,
    mode: user ? 'user' : 'app',
    user,
    expiresAt: new Date(exp * 1000),
    signingThumbprint: actor.signer.key.thumbprint,
  };
}
