/**
 * Validation of an incoming S2S token: ONE entry point taking the Authorization header and the request
 * URL (docs/protocol.md §2.6, §2.7, §4, §6.2), in two modes that run the same steps (validation-steps.ts):
 * {@link validateAuthorization} verifies the RSA signature in line, {@link validateAuthorizationAsync} on
 * the libuv thread pool. Every refusal is a stable ERR_TOKEN_… code with its Exchange diagnostic.
 */
import { S2sError } from '../shared/errors.ts';
import { tokenError } from './token-errors.ts';
import { verifySignature, verifySignatureAsync } from './actor-checks.ts';
import { refusalFor } from './token-refusal.ts';
import type { ChallengeParameters } from './token-refusal.ts';
import type { TrustContext } from './trust-context.ts';
import { beginValidation, finishValidation } from './validation-steps.ts';
import { ValidationTrace } from './validation-trace.ts';
import type { ValidationStep } from './validation-trace.ts';
import type { S2sPrincipal, ValidationOutcome } from './validation-outcome.ts';

/** The outcome plus the steps that led to it. */
export interface ValidationReport {
  readonly outcome: ValidationOutcome;
  readonly steps: readonly ValidationStep[];
  /** A partner whose keys may be stale (unknown `x5t`): the caller should request a metadata refresh. */
  readonly refreshPartner: string | null;
  /** The unknown `x5t` (or `kid`) that asked for it: the refresh is de-duplicated per `x5t`. */
  readonly refreshX5t: string | null;
}

/** How to validate. */
export interface ValidationOptions {
  /** Record every passing step with its detail (`s2s token test`); without, only a failing step is. */
  readonly explain?: boolean;
}

const NO_OPTIONS: ValidationOptions = Object.freeze({});

/** Validates `Authorization: Bearer <token>` for a request to `requestUrl`, verifying RS256 in line. */
export function validateAuthorization(
  authorization: string | null | undefined,
  requestUrl: string | URL,
  ctx: TrustContext,
  options: ValidationOptions = NO_OPTIONS,
): ValidationReport {
  const trace = new ValidationTrace(options.explain ?? false);
  try {
    const pending = beginValidation(bearerToken(authorization, trace), requestUrl, ctx, trace);
    const signer = verifySignature(pending.actorJws, pending.signers);
    return accepted(finishValidation(pending, signer, ctx, trace), trace);
  } catch (err) {
    return refused(err, ctx, trace);
  }
}

/**
 * {@link validateAuthorization} with the RSA verification on the libuv thread pool, so the event loop
 * serves other requests meanwhile. Same steps, same order, same outcome.
 */
export async function validateAuthorizationAsync(
  authorization: string | null | undefined,
  requestUrl: string | URL,
  ctx: TrustContext,
  options: ValidationOptions = NO_OPTIONS,
): Promise<ValidationReport> {
  const trace = new ValidationTrace(options.explain ?? false);
  try {
    const pending = beginValidation(bearerToken(authorization, trace), requestUrl, ctx, trace);
    const signer = await verifySignatureAsync(pending.actorJws, pending.signers);
    return accepted(finishValidation(pending, signer, ctx, trace), trace);
  } catch (err) {
    return refused(err, ctx, trace);
  }
}

/** Validates a bare token (no header), e.g. for `s2s token test`: the same steps after `authorization`. */
export function explainToken(token: string, requestUrl: string | URL, ctx: TrustContext): ValidationReport {
  return validateAuthorization(`Bearer ${token.trim()}`, requestUrl, ctx, { explain: true });
}

/** The challenge parameters: our realm and id, and every issuer we accept (ourselves first). */
export function challengeParameters(ctx: TrustContext): ChallengeParameters {
  const issuers = [`${ctx.serviceName}@${ctx.realm}`];
  for (const t of ctx.oauthServers ?? []) {
    // docs/protocol.md §8: Exchange Online's challenge names `00000001-…@*`; we name the tenant we trust.
    if (t.server.type !== 'acs') continue;
    const issuer = `${t.server.issuer}@${t.server.realm}`;
    if (!issuers.includes(issuer)) issuers.push(issuer);
  }
  for (const p of ctx.partners) {
    if (!p.application.enabled || p.application.source === 'oauth-server') continue;
    const issuer = `${p.application.applicationIdentifier}@${p.application.realm || '*'}`;
    if (!issuers.includes(issuer)) issuers.push(issuer);
  }
  return { realm: ctx.realm, serviceName: ctx.serviceName, trustedIssuers: issuers };
}

function accepted(principal: S2sPrincipal, trace: ValidationTrace): ValidationReport {
  return { outcome: { ok: true, principal }, steps: trace.steps, refreshPartner: null, refreshX5t: null };
}

function refused(err: unknown, ctx: TrustContext, trace: ValidationTrace): ValidationReport {
  trace.fail(err);
  const failure = err instanceof S2sError ? err : tokenError('ERR_TOKEN_VALIDATION_FAULT', 'internal fault');
  return {
    outcome: { ok: false, refusal: refusalFor(failure, challengeParameters(ctx)) },
    steps: trace.steps,
    refreshPartner: trace.refreshPartner,
    refreshX5t: trace.refreshX5t,
  };
}

/** RFC 6750 §2.1: `Bearer <token>`; anything else (absent, other scheme, empty) gets the bare challenge. */
function bearerToken(authorization: string | null | undefined, trace: ValidationTrace): string {
  trace.enter('authorization');
  const value = authorization ?? '';
  const separator = value.charCodeAt(6);
  if (
    value.length < 6 ||
    (!value.startsWith('Bearer') && value.slice(0, 6).toLowerCase() !== 'bearer') ||
    (value.length > 6 && separator !== 0x20 && separator !== 0x09)
  ) {
    throw tokenError('ERR_TOKEN_MISSING', 'no bearer token was presented');
  }
  const token = value.slice(7).trim();
  if (token.length === 0) throw tokenError('ERR_TOKEN_MISSING', 'no bearer token was presented');
  if (trace.explaining) trace.pass('a bearer token is present');
  // Inner white space is refused by the canonical base64url check of the parse step.
  return token;
}
