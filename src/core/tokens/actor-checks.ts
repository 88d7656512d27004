/**
 * The checks of a signed actor (or app-only) token, in Exchange's order (docs/protocol.md §2.6 "App-only /
 * inner actor token") with the must-nots of §2.7: keys only from the party `iss` names, our own
 * certificates only for our own issuer, RS256 verified cryptographically, iss ↔ nameid bound.
 */
import { tokenError } from './token-errors.ts';
import type { CompactJws } from './compact-jws.ts';
import type { S2sHeader } from './jose-header.ts';
import { normalizeAuthority, parseAudience, parsePrincipalName, sameName } from './principal-name.ts';
import type { PrincipalName } from './principal-name.ts';
import { requestAuthority } from './request-authority.ts';
import { verifyRs256, verifyRs256Async } from './rs256.ts';
import { requiredStringClaim, stringClaim, timeClaim } from './token-claims.ts';
import type { ClaimSet } from './token-claims.ts';
import type { TrustContext } from './trust-context.ts';
import type { PartnerApplication } from '../partners/partner-application.ts';
import { CheckMemo, issuerKey, trustIndexOf } from './trust-index.ts';
import type { CheckedAudience, MatchedIssuer, VerifiedSigner } from './trust-index.ts';

export type { CheckedAudience, MatchedIssuer } from './trust-index.ts';
import type { ValidationTrace } from './validation-trace.ts';

/** User claims an actor must not carry: it speaks for an application (PnP rule, docs/protocol.md §2.6). */
export const ACTOR_USER_CLAIMS = ['scp', 'upn', 'unique_name', 'altsecid'] as const;

/**
 * §2.6 step 1: audience id = our service name, host one of ours, realm ours or the tenant of one of our
 * OAuth servers (bound to the issuer by {@link checkAudienceForIssuer}). The RFC 8707 form
 * `https://<our host>` is read too; only an `oauth2` server's tokens may use it.
 */
export function checkAudience(
  claims: ClaimSet,
  ctx: TrustContext,
  requestUrl: string | URL,
  what: string,
): CheckedAudience {
  const raw = requiredStringClaim(claims.aud, 'aud', ctx.limits.maxClaimLength, what);
  const memo = trustIndexOf(ctx).memo;
  const authority = requestAuthority(requestUrl);
  const known = memo.audiences.get(raw);
  if (known !== undefined && known.authority === authority) return known.audience;
  const audience = readAudience(raw, ctx, requestUrl, what);
  if (authority !== null) CheckMemo.remember(memo.audiences, raw, { authority, audience });
  return audience;
}

function readAudience(
  raw: string,
  ctx: TrustContext,
  requestUrl: string | URL,
  what: string,
): CheckedAudience {
  if (/^https:\/\//i.test(raw)) return urlAudience(raw, ctx, requestUrl, what);
  const aud = parseAudience(raw);
  if (!aud || aud.realm.length === 0)
    throw tokenError(
      'ERR_TOKEN_AUDIENCE_MALFORMED',
      `the ${what} "aud" is not <principal id>/<host>@<realm>`,
    );
  if (!sameName(aud.id, ctx.serviceName)) {
    throw tokenError(
      'ERR_TOKEN_AUDIENCE_ID',
      `the ${what} is addressed to principal ${aud.id}, not to us (${ctx.serviceName})`,
      { audienceId: aud.id },
    );
  }
  if (!acceptedHost(aud.host, ctx, requestUrl)) {
    throw tokenError(
      'ERR_TOKEN_AUDIENCE_HOST',
      `the ${what} is addressed to host ${aud.host}, which is not one of our host names`,
      { audienceHost: aud.host },
    );
  }
  if (!sameName(aud.realm, ctx.realm) && !acceptedRealm(aud.realm, ctx)) {
    throw tokenError(
      'ERR_TOKEN_AUDIENCE_REALM',
      `the tenant for realm '${aud.realm}' does not exist here (our realm is ${ctx.realm})`,
      { audienceRealm: aud.realm },
    );
  }
  return { id: aud.id, host: aud.host, realm: aud.realm, url: false };
}

/** A realm other than ours that an audience may name: an OAuth server's tenant or a partner's own realm. */
function acceptedRealm(realm: string, ctx: TrustContext): boolean {
  const lower = realm.toLowerCase();
  return (
    trustIndexOf(ctx).serverRealms.has(lower) ||
    ctx.partners.some((p) => p.application.enabled && p.application.realm === lower)
  );
}

function urlAudience(
  raw: string,
  ctx: TrustContext,
  requestUrl: string | URL,
  what: string,
): CheckedAudience {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw tokenError('ERR_TOKEN_AUDIENCE_MALFORMED', `the ${what} "aud" is not a URL`);
  }
  if (
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== ''
  )
    throw tokenError('ERR_TOKEN_AUDIENCE_MALFORMED', `the ${what} "aud" URL is not https://<host>`);
  if (!acceptedHost(url.host, ctx, requestUrl))
    throw tokenError(
      'ERR_TOKEN_AUDIENCE_HOST',
      `the ${what} is addressed to host ${url.host}, which is not one of our host names`,
      { audienceHost: url.host },
    );
  return { id: ctx.serviceName, host: url.host, realm: ctx.realm, url: true };
}

/**
 * The audience bound to the issuer (docs/hybrid.md "Realms"): our own tokens and a partner's name our
 * realm (or, for a partner of another realm such as a SharePoint farm, that partner's realm); an ACS
 * token names its issuer's tenant (§2.6 step 7, 2011); an `oauth2` server's token names its tenant, our
 * realm, or `https://<our host>`.
 */
export function checkAudienceForIssuer(aud: CheckedAudience, issuer: MatchedIssuer, ctx: TrustContext): void {
  const candidate = issuer.entry.candidates[0];
  if (candidate?.kind === 'oauth-server') {
    const server = candidate.server!;
    if (aud.url) {
      if (server.type === 'oauth2') return;
    } else if (server.type === 'acs') {
      if (sameName(aud.realm, issuer.name.realm)) return;
      throw tokenError(
        'ERR_TOKEN_OAUTH_SERVER_TENANT',
        `the token from OAuth server ${server.identity} is addressed to tenant ${aud.realm}, not its issuer tenant ${issuer.name.realm}`,
        { audienceRealm: aud.realm },
      );
    } else if (sameName(aud.realm, ctx.realm) || sameName(aud.realm, server.realm)) return;
    else
      throw tokenError(
        'ERR_TOKEN_OAUTH_SERVER_TENANT',
        `the token from OAuth server ${server.identity} is addressed to tenant ${aud.realm}`,
        { audienceRealm: aud.realm },
      );
  }
  if (aud.url)
    throw tokenError(
      'ERR_TOKEN_AUDIENCE_MALFORMED',
      'only tokens of an oauth2 OAuth server may be addressed to https://<host>; others use <principal id>/<host>@<realm>',
    );
  if (sameName(aud.realm, ctx.realm)) return;
  if (issuer.entry.candidates.some((c) => c.application !== null && sameName(c.application.realm, aud.realm)))
    return;
  throw tokenError(
    'ERR_TOKEN_AUDIENCE_REALM',
    `the tenant for realm '${aud.realm}' does not exist here (our realm is ${ctx.realm})`,
    { audienceRealm: aud.realm },
  );
}

/**
 * The audience host must be the authority the request was made on (docs/protocol.md §2.6 step 1, as Exchange
 * compares it) and, when host names are configured, one of them (§11: our pool / web FQDNs). Both hold:
 * the Host header is caller-controlled, so it can never widen the configured set, and a token addressed to
 * one of our names cannot be replayed at another.
 */
function acceptedHost(host: string, ctx: TrustContext, requestUrl: string | URL): boolean {
  const authority = requestAuthority(requestUrl);
  if (authority === null || normalizeAuthority(host, authority.protocol) !== authority.host) return false;
  const configured = trustIndexOf(ctx).hostNames;
  return configured.size === 0 || configured.has(normalizeAuthority(host));
}

/**
 * §2.6 step 2: `iss` present (2003), parseable (2006), naming us, an enabled partner or a trusted OAuth
 * server (2008): ACS by `<ACS id>@<tenant>` (the tenant must be the server's, 2011), an `oauth2` server by
 * its exact issuer URL (OpenID Connect Discovery 1.0 §3).
 */
export function matchIssuer(claims: ClaimSet, ctx: TrustContext): MatchedIssuer {
  const iss = stringClaim(claims.iss, 'iss', ctx.limits.maxClaimLength, 'actor token');
  if (iss === null) throw tokenError('ERR_TOKEN_ISSUER_MISSING', 'the actor token has no "iss" claim');
  const memo = trustIndexOf(ctx).memo;
  const known = memo.issuers.get(iss);
  if (known !== undefined) return known;
  const matched = findIssuer(iss, ctx);
  CheckMemo.remember(memo.issuers, iss, matched);
  return matched;
}

function findIssuer(iss: string, ctx: TrustContext): MatchedIssuer {
  const index = trustIndexOf(ctx);
  if (/^https?:\/\//i.test(iss)) {
    const found = index.serverIssuers.get(iss)?.find((s) => s.server.type === 'oauth2');
    if (!found)
      throw tokenError('ERR_TOKEN_ISSUER_UNKNOWN', `no OAuth server has issuer ${iss.slice(0, 200)}`, {
        issuer: iss.slice(0, 200),
      });
    const realm = found.server.realm === '*' ? ctx.realm : found.server.realm;
    return { name: { id: iss, realm }, entry: found.entry };
  }
  const name = parsePrincipalName(iss);
  if (!name)
    throw tokenError('ERR_TOKEN_ISSUER_INVALID', 'the actor token "iss" is not <principal id>@<realm>');
  const entry = index.issuers.get(issuerKey(name.id, name.realm));
  if (entry && entry.candidates.length > 0) return { name, entry };
  if (entry && entry.disabled > 0) {
    throw tokenError(
      'ERR_TOKEN_PARTNER_DISABLED',
      `the partner application for issuer ${name.id}@${name.realm} is disabled`,
    );
  }
  const servers = index.serverIssuers.get(name.id.toLowerCase())?.filter((s) => s.server.type === 'acs');
  if (servers && servers.length > 0) {
    const found = servers.find((s) => sameName(s.server.realm, name.realm));
    if (found) return { name, entry: found.entry };
    throw tokenError(
      'ERR_TOKEN_OAUTH_SERVER_TENANT',
      `the token was issued by ${name.id} for tenant ${name.realm}, not the tenant of OAuth server ${servers.map((s) => `${s.server.identity} (${s.server.realm})`).join(', ')}`,
      { issuer: `${name.id}@${name.realm}` },
    );
  }
  throw tokenError(
    'ERR_TOKEN_ISSUER_UNKNOWN',
    `no partner application matches issuer ${name.id}@${name.realm}`,
    {
      issuer: `${name.id}@${name.realm}`,
    },
  );
}

/**
 * §2.6 step 6 for a token of an OAuth server: the application it speaks for — the ACS `nameid`
 * `<app id>@<tenant>` (realm = the issuer tenant, 2017), or an `oauth2` token's `client_id` (RFC 9068
 * §2.2; Entra `azp`/`appid`) — must be a partner registered through that server (7001), enabled.
 */
export function resolveServerApplication(
  claims: ClaimSet,
  issuer: MatchedIssuer,
  ctx: TrustContext,
): { nameid: PrincipalName; application: PartnerApplication } {
  const server = issuer.entry.candidates[0]!.server!;
  const max = ctx.limits.maxClaimLength;
  let nameid: PrincipalName;
  if (server.type === 'acs') {
    nameid = checkNameId(claims, issuer.name, ctx, false);
  } else {
    const appId =
      stringClaim(claims.client_id, 'client_id', max, 'actor token') ??
      stringClaim(claims.azp, 'azp', max, 'actor token') ??
      stringClaim(claims.appid, 'appid', max, 'actor token');
    if (appId === null || appId.length === 0 || /[@/\s]/.test(appId))
      throw tokenError(
        'ERR_TOKEN_NAMEID_MISSING',
        'the token of the OAuth server names no application (client_id, azp or appid)',
      );
    nameid = { id: appId, realm: issuer.name.realm };
  }
  const candidates = (trustIndexOf(ctx).viaServer.get(server.identity) ?? []).filter(
    (p) =>
      sameName(p.applicationIdentifier, nameid.id) &&
      (server.type !== 'acs' || sameName(p.realm, nameid.realm)),
  );
  const enabled = candidates.find((p) => p.enabled);
  if (enabled) return { nameid: { id: nameid.id, realm: enabled.realm }, application: enabled };
  if (candidates.length > 0)
    throw tokenError(
      'ERR_TOKEN_PARTNER_DISABLED',
      `the partner application for ${nameid.id} through OAuth server ${server.identity} is disabled`,
    );
  throw tokenError(
    'ERR_TOKEN_NO_PARTNER_FOR_APP',
    `no partner application with application identifier ${nameid.id} is registered through OAuth server ${server.identity}`,
    { applicationIdentifier: nameid.id, oauthServer: server.identity },
  );
}

/**
 * §2.6 step 3, key half: `x5t` picks the certificate among the keys of the parties `iss` names — and
 * only theirs. Without `x5t`/`kid` every key of those parties is tried (Exchange does the same).
 */
export function selectKeys(
  header: S2sHeader,
  issuer: MatchedIssuer,
  trace: ValidationTrace,
): readonly VerifiedSigner[] {
  const { entry } = issuer;
  const chosen = header.x5t === null ? entry.signers : entry.signersByX5t.get(header.x5t);
  if (chosen === undefined || chosen.length === 0) {
    trace.refreshPartner = entry.refreshPartner;
    trace.refreshX5t = header.x5t;
    throw tokenError(
      'ERR_TOKEN_KEY_UNKNOWN',
      `the signing certificate ${header.x5t ?? '(none named)'} is not registered for issuer ${issuer.name.id}@${issuer.name.realm}`,
      { x5t: header.x5t },
    );
  }
  return chosen;
}

/** §2.6 step 3, signature half: RS256 verified with node:crypto (1001 on failure). */
export function verifySignature(jws: CompactJws, signers: readonly VerifiedSigner[]): VerifiedSigner {
  for (const signer of signers) {
    if (verifyRs256(jws.signingInput, jws.signature, signer.key.publicKey)) return signer;
  }
  throw badSignature();
}

/** {@link verifySignature} with the RSA work on the libuv pool: the event loop keeps running meanwhile. */
export async function verifySignatureAsync(
  jws: CompactJws,
  signers: readonly VerifiedSigner[],
): Promise<VerifiedSigner> {
  for (const signer of signers) {
    if (await verifyRs256Async(jws.signingInput, jws.signature, signer.key.publicKey)) return signer;
  }
  throw badSignature();
}

function badSignature() {
  return tokenError(
    'ERR_TOKEN_INVALID_SIGNATURE',
    "the actor token signature does not verify with the issuer's certificate",
  );
}

/**
 * §2.6 step 4: nbf/exp with the allowed skew (RFC 7519 §4.1.4–5), and the maxima of docs/protocol.md §2.5/§11
 * (docs/security.md "Token lifetime maxima"): `exp − nbf` at most the configured cap (24 h by default,
 * the longest lifetime any Microsoft issuer uses) plus the skew. Returns nbf and exp in seconds.
 */
export function checkLifetime(
  claims: ClaimSet,
  ctx: TrustContext,
  what: string,
  iatForMissingNbf = false,
): { nbf: number; exp: number } {
  // RFC 9068 access tokens (an oauth2 server's) carry `iat` and no `nbf` (docs/hybrid.md).
  const nbf =
    iatForMissingNbf && claims.nbf === undefined
      ? timeClaim(claims.iat, 'iat', what)
      : timeClaim(claims.nbf, 'nbf', what);
  const exp = timeClaim(claims.exp, 'exp', what);
  if (exp <= nbf)
    throw tokenError('ERR_TOKEN_LIFETIME_INVALID', `the ${what} expires before it becomes valid`);
  const longest = ctx.limits.maxLifetimeSeconds + ctx.clockSkewSeconds;
  if (exp - nbf > longest)
    throw tokenError(
      'ERR_TOKEN_LIFETIME_TOO_LONG',
      `the ${what} is valid for ${exp - nbf} s, longer than the ${longest} s allowed (${iso(nbf)} to ${iso(exp)})`,
      { lifetimeSeconds: exp - nbf, maxSeconds: longest },
    );
  const now = ctx.now.getTime() / 1000;
  if (nbf > now + ctx.clockSkewSeconds)
    throw tokenError('ERR_TOKEN_NOT_YET_VALID', `the ${what} is not valid before ${iso(nbf)}`, {
      nbf: iso(nbf),
    });
  if (now >= exp + ctx.clockSkewSeconds)
    throw tokenError('ERR_TOKEN_EXPIRED', `the ${what} expired at ${iso(exp)}`, { exp: iso(exp) });
  return { nbf, exp };
}

/**
 * docs/protocol.md §2.4/§2.5: an outer token never outlives its actor (Exchange caps it at the actor's expiry).
 * The skew is allowed because SharePoint's TokenHelper stamps the two tokens from separate clock reads.
 */
export function checkOuterWithinActor(outerExp: number, actorExp: number, ctx: TrustContext): void {
  if (outerExp > actorExp + ctx.clockSkewSeconds)
    throw tokenError(
      'ERR_TOKEN_OUTER_OUTLIVES_ACTOR',
      `the outer token expires at ${iso(outerExp)}, after its actor token (${iso(actorExp)})`,
      { exp: iso(outerExp), actorExp: iso(actorExp) },
    );
}

/** §2.6 step 6: actor nameid present (2005), `<appid>@<realm>` (2007), appid = issuer id (7002), realm = issuer realm (2017). */
export function checkNameId(
  claims: ClaimSet,
  issuer: PrincipalName,
  ctx: TrustContext,
  sameAppAsIssuer = true,
): PrincipalName {
  const raw = stringClaim(claims.nameid, 'nameid', ctx.limits.maxClaimLength, 'actor token');
  if (raw === null) throw tokenError('ERR_TOKEN_NAMEID_MISSING', 'the actor token has no "nameid" claim');
  const memo = trustIndexOf(ctx).memo;
  const known = memo.nameIds.get(raw);
  if (known !== undefined && known.issuer === issuer && known.sameApp === sameAppAsIssuer) return known.name;
  const name = bindNameId(raw, issuer, sameAppAsIssuer);
  CheckMemo.remember(memo.nameIds, raw, { issuer, sameApp: sameAppAsIssuer, name });
  return name;
}

function bindNameId(raw: string, issuer: PrincipalName, sameAppAsIssuer: boolean): PrincipalName {
  const nameid = parsePrincipalName(raw);
  if (!nameid)
    throw tokenError('ERR_TOKEN_NAMEID_INVALID', 'the actor token "nameid" is not <application id>@<realm>');
  // An ACS token's nameid names the application it was issued to, not ACS itself (§2.6 step 6).
  if (sameAppAsIssuer && !sameName(nameid.id, issuer.id))
    throw tokenError(
      'ERR_TOKEN_NAMEID_APP_MISMATCH',
      `the actor nameid application ${nameid.id} is not the issuer ${issuer.id}`,
    );
  if (!sameName(nameid.realm, issuer.realm))
    throw tokenError(
      'ERR_TOKEN_NAMEID_REALM_MISMATCH',
      `the actor nameid realm ${nameid.realm} is not the issuer realm ${issuer.realm}`,
    );
  return nameid;
}

/** The actor must be an application: user claims refuse it (docs/protocol.md §2.6, PnP rule). */
export function refuseUserClaims(claims: ClaimSet): void {
  // In the order of ACTOR_USER_CLAIMS: the first one present is named.
  const found =
    claims.scp !== undefined
      ? 'scp'
      : claims.upn !== undefined
        ? 'upn'
        : claims.unique_name !== undefined
          ? 'unique_name'
          : claims.altsecid !== undefined
            ? 'altsecid'
            : null;
  if (found !== null)
    throw tokenError('ERR_TOKEN_ACTOR_USER_CLAIMS', `the actor token carries the user claim "${found}"`, {
      claim: found,
    });
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
