/**
 * The lookups the validator makes on every token, built once per trust context: issuers by
 * `<id>@<realm>` (docs/protocol.md §2.6 step 2), their keys by `x5t` (step 3), our host names. A context
 * built once per store version (TokenService) keeps its index for as long as it lives.
 */
import type { PartnerApplication } from '../partners/partner-application.ts';
import type { OAuthServer } from '../partners/oauth-server.ts';
import { normalizeAuthority } from './principal-name.ts';
import type { Audience, PrincipalName } from './principal-name.ts';
import type { RequestAuthority } from './request-authority.ts';
import type { TrustContext, TrustedKey } from './trust-context.ts';

/** A party the token may come from: ourselves (pool peers), a partner application, or an OAuth server. */
export interface IssuerCandidate {
  readonly kind: 'self' | 'partner' | 'oauth-server';
  /** The partner (kind `partner`); for an OAuth server the partner is found from the token's app id. */
  readonly application: PartnerApplication | null;
  /** The OAuth server (kind `oauth-server`). */
  readonly server?: OAuthServer | undefined;
  readonly keys: readonly TrustedKey[];
}

/** How the validator names an OAuth server whose keys may be stale (bound in src/services/services.ts). */
export const OAUTH_SERVER_REFRESH_PREFIX = 'oauth-server:';

/** One OAuth server as an issuer (docs/hybrid.md). */
export interface ServerIssuer {
  readonly server: OAuthServer;
  readonly entry: IssuerEntry;
}

/** The party and certificate whose signature verified. */
export interface VerifiedSigner {
  readonly candidate: IssuerCandidate;
  readonly key: TrustedKey;
}

/** Everything one issuer name resolves to. */
export interface IssuerEntry {
  /** Ourselves first (when the name is ours), then every enabled partner with the name, in context order. */
  readonly candidates: readonly IssuerCandidate[];
  /** Partners with the name that are disabled. */
  readonly disabled: number;
  /** Every key of every candidate, in order (a token without `x5t`/`kid` tries them all). */
  readonly signers: readonly VerifiedSigner[];
  readonly signersByX5t: ReadonlyMap<string, readonly VerifiedSigner[]>;
  /** The partner to refresh when a token names an unknown key (the first partner candidate). */
  readonly refreshPartner: string | null;
}

/** The issuer named by `iss` and the parties that may have signed for it. */
export interface MatchedIssuer {
  readonly name: PrincipalName;
  /** The parties that may have signed for it, and their keys. */
  readonly entry: IssuerEntry;
}

/** An audience as checked: `url` for the RFC 8707 form `https://<host>` an `oauth2` server issues (docs/hybrid.md). */
export interface CheckedAudience extends Audience {
  readonly url: boolean;
}

/** The index of one trust context. */
export interface TrustIndex {
  /** Key: `<id>@<realm>` in lower case (principal names are compared case-insensitively, §2.1). */
  readonly issuers: ReadonlyMap<string, IssuerEntry>;
  /** The configured host names, normalized as audiences carry them. */
  readonly hostNames: ReadonlySet<string>;
  /** OAuth servers by issuer: the lower-cased ACS principal id, or the exact issuer URL (docs/hybrid.md). */
  readonly serverIssuers: ReadonlyMap<string, readonly ServerIssuer[]>;
  /** Partners registered through each OAuth server (enabled or not), by server identity. */
  readonly viaServer: ReadonlyMap<string, readonly PartnerApplication[]>;
  /** Tenants of the OAuth servers (lower case, `*` excluded): audience realms accepted besides ours. */
  readonly serverRealms: ReadonlySet<string>;
  /** Checks already passed against this trust, by the claim text they read ({@link CheckMemo}). */
  readonly memo: CheckMemo;
}

/**
 * The results of checks that passed, by the exact claim text they read (docs/tokens.md §7): each check
 * is a pure function of that text, this trust and what the entry records beside it (the request
 * authority, the issuer), so a token of a known partner skips parsing, lower-casing and comparing the
 * same names again. Refusals are never kept (they are computed each time, with their own messages).
 * Bounded: a map is cleared when full.
 */
export class CheckMemo {
  /** `aud` → the authority it was accepted for (identity: request-authority.ts memoizes it) and the audience. */
  readonly audiences = new Map<
    string,
    { readonly authority: RequestAuthority; readonly audience: CheckedAudience }
  >();
  /** The actor `iss` → its issuer. */
  readonly issuers = new Map<string, MatchedIssuer>();
  /** The actor `nameid` → the issuer name it was bound to (identity), whether the ids must match, the name. */
  readonly nameIds = new Map<
    string,
    { readonly issuer: PrincipalName; readonly sameApp: boolean; readonly name: PrincipalName }
  >();
  /** The outer `iss` → the actor name it was bound to (identity) and the name. */
  readonly outerIssuers = new Map<string, { readonly actor: PrincipalName; readonly name: PrincipalName }>();

  /** Remembers `value` under `key` in `map`, clearing the map first when it is full. */
  static remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= MAX_MEMO_ENTRIES) map.clear();
    map.set(key, Object.freeze(value));
  }
}

const MAX_MEMO_ENTRIES = 256;

interface Held {
  readonly ctx: TrustContext;
  readonly index: TrustIndex;
}

/** Keyed by the partner list: a context rebuilt per call around the same lists reuses its index. */
const held = new WeakMap<readonly unknown[], Held>();

/** The index of `ctx`, built on first use. */
export function trustIndexOf(ctx: TrustContext): TrustIndex {
  const h = held.get(ctx.partners);
  if (h && sameTrust(h.ctx, ctx)) return h.index;
  const index = buildTrustIndex(ctx);
  held.set(ctx.partners, { ctx, index });
  return index;
}

/** Everything the index is built from (`now` and the limits are not). */
function sameTrust(a: TrustContext, b: TrustContext): boolean {
  return (
    a.ownKeys === b.ownKeys &&
    a.oauthServers === b.oauthServers &&
    a.hostNames === b.hostNames &&
    a.serviceName === b.serviceName &&
    a.realm === b.realm
  );
}

function buildTrustIndex(ctx: TrustContext): TrustIndex {
  const found = new Map<string, { candidates: IssuerCandidate[]; disabled: number }>();
  const entryOf = (name: string) => {
    let e = found.get(name);
    if (!e) found.set(name, (e = { candidates: [], disabled: 0 }));
    return e;
  };
  entryOf(issuerKey(ctx.serviceName, ctx.realm)).candidates.push({
    kind: 'self',
    application: null,
    keys: ctx.ownKeys,
  });
  const viaServer = new Map<string, PartnerApplication[]>();
  for (const p of ctx.partners) {
    const through = p.application.useOAuthServer;
    if (p.application.source === 'oauth-server' || (through !== null && through !== undefined)) {
      // No keys of its own: never an issuer by itself, only through its server (docs/hybrid.md).
      const list = viaServer.get(through ?? '') ?? [];
      list.push(p.application);
      viaServer.set(through ?? '', list);
      continue;
    }
    const e = entryOf(issuerKey(p.application.applicationIdentifier, p.application.realm));
    if (p.application.enabled)
      e.candidates.push({ kind: 'partner', application: p.application, keys: p.keys });
    else e.disabled++;
  }
  const issuers = new Map<string, IssuerEntry>();
  for (const [name, e] of found) issuers.set(name, issuerEntry(e.candidates, e.disabled));
  const serverIssuers = new Map<string, ServerIssuer[]>();
  const serverRealms = new Set<string>();
  for (const t of ctx.oauthServers ?? []) {
    const key = t.server.type === 'acs' ? t.server.issuer.toLowerCase() : t.server.issuer;
    const candidate: IssuerCandidate = {
      kind: 'oauth-server',
      application: null,
      server: t.server,
      keys: t.keys,
    };
    const entry = {
      ...issuerEntry([candidate], 0),
      refreshPartner: OAUTH_SERVER_REFRESH_PREFIX + t.server.identity,
    };
    serverIssuers.set(key, [...(serverIssuers.get(key) ?? []), { server: t.server, entry }]);
    if (t.server.realm !== '*') serverRealms.add(t.server.realm.toLowerCase());
  }
  return {
    issuers,
    hostNames: new Set(ctx.hostNames.map((h) => normalizeAuthority(h))),
    serverIssuers,
    viaServer,
    serverRealms,
    memo: new CheckMemo(),
  };
}

function issuerEntry(candidates: IssuerCandidate[], disabled: number): IssuerEntry {
  const signers = candidates.flatMap((candidate) => candidate.keys.map((key) => ({ candidate, key })));
  const signersByX5t = new Map<string, VerifiedSigner[]>();
  for (const s of signers) {
    const list = signersByX5t.get(s.key.x5t);
    if (list) list.push(s);
    else signersByX5t.set(s.key.x5t, [s]);
  }
  const refreshPartner = candidates.find((c) => c.application !== null)?.application?.identity ?? null;
  return { candidates, disabled, signers, signersByX5t, refreshPartner };
}

/**
 * The lookup key of a principal name. Names in tokens are visible ASCII (parsePrincipalName), for which
 * lower-casing keeps the length, so equal keys mean `sameName` on the id and on the realm.
 */
export function issuerKey(id: string, realm: string): string {
  return `${id}@${realm}`.toLowerCase();
}
