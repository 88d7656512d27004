/**
 * Issuing and validating S2S tokens (docs/protocol.md §2, §4, §6.2): the use cases behind `s2s token new|test`,
 * the HTTP middleware and the storage client. Signing uses the OAuthTokenIssuer certificate that is
 * current *now*; validation verifies with node:crypto KeyObjects cached by thumbprint. What both read
 * from the store is kept per store version (store-head.ts; docs/tokens.md §7).
 */
import {
  buildActAsToken,
  buildActorToken,
  explainToken,
  formatAudience,
  formatPrincipalName,
  NII_MICROSOFT_ONLINE,
  tokenError,
  validateAuthorization,
  validateAuthorizationAsync,
} from '../../core/tokens/index.ts';
import type { ValidationOutcome, ValidationReport } from '../../core/tokens/index.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { SELF_PARTNER_IDENTITY } from '../../core/partners/partner-identity.ts';
import { actingUser, normalizeTargetHost } from './issue-request.ts';
import type { IssueUser } from './issue-request.ts';
import { IssuingState } from './issuing-state.ts';
import { TrustContextSource } from './trust-context-source.ts';
import type { TrustSnapshot } from './trust-context-source.ts';
import { ValidatedTokenCache } from './validated-token-cache.ts';
import type { KeyObject } from 'node:crypto';
import { partnerError } from '../../core/index.ts';
import { readOAuthServer } from '../oauth-servers/oauth-server-document.ts';
import { ActorTokenClient } from '../oauth-servers/actor-token-client.ts';
import type { CacheSlot } from './validated-token-cache.ts';

export type { IssueUser } from './issue-request.ts';

/** What to issue: for a partner (by identity), at a target host, optionally for a user. */
export interface IssueRequest {
  readonly partner: string;
  readonly host: string;
  readonly user?: IssueUser;
  /** For a partner behind an OAuth server: request a new actor token even when one is cached. */
  readonly fresh?: boolean;
}

/** Told of every issuance (for metrics); never sees the token. */
export type IssuedListener = (event: {
  readonly partner: string;
  readonly audience: string;
  readonly cached: boolean;
}) => void;

/** What to validate: the Authorization header and the URL the request was made on. */
export interface ValidateRequest {
  readonly authorization: string | null | undefined;
  readonly requestUrl: string | URL;
}

/** An issued token (the only object that carries token material: never log it). */
export interface IssuedToken {
  /** What goes after `Bearer `: the act-as token for a user, else the actor token. */
  readonly token: string;
  readonly actorToken: string;
  readonly expiresAt: Date;
  readonly audience: string;
  /** Certificate that signed the actor (for a partner behind an OAuth server: the client assertion). */
  readonly x5t: string;
  /** Set when the actor token came from an OAuth server (docs/hybrid.md "Outbound"). */
  readonly oauthServer?: {
    readonly identity: string;
    readonly type: 'acs' | 'oauth2';
    readonly resource: string;
    readonly cached: boolean;
    readonly durationMs: number;
  };
}

interface CachedToken {
  readonly value: IssuedToken;
  readonly renewAt: number;
}

/** Issued tokens kept per (audience, user); renewed when a quarter of the lifetime is left. */
const MAX_CACHED_TOKENS = 1000;

/** A validation about to run: the trust snapshot, the instant and the cache slot of the header. */
interface Prepared {
  readonly snapshot: TrustSnapshot;
  readonly now: Date;
  readonly slot: CacheSlot | null;
  readonly hit: ValidationOutcome | null;
}

export class TokenService {
  protected readonly deps: ServiceDeps;
  readonly #trust: TrustContextSource;
  readonly #issuing: IssuingState;
  readonly #issued = new Map<string, CachedToken>();
  readonly #validated = new ValidatedTokenCache();
  readonly #issuedListeners = new Set<IssuedListener>();
  readonly #actors: ActorTokenClient;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    this.#trust = new TrustContextSource(deps);
    this.#issuing = new IssuingState(deps);
    this.#actors = new ActorTokenClient(deps);
  }

  /**
   * Who a token is addressed to: a registered, enabled partner application, or — for the reserved identity
   * `self` — this deployment (our service name and realm: the self-issued form pool peers accept).
   */
  async #target(
    state: Awaited<ReturnType<IssuingState['at']>>,
    identity: string,
  ): Promise<{ applicationIdentifier: string; realm: string; useOAuthServer?: string | null | undefined }> {
    if (identity === SELF_PARTNER_IDENTITY) {
      const config = await state.config();
      return { applicationIdentifier: config.serviceName, realm: config.realm };
    }
    const record = await state.partner(identity);
    if (!record)
      throw tokenError('ERR_TOKEN_PARTNER_NOT_FOUND', `no partner application "${identity}"`, { identity });
    if (!record.partner.enabled)
      throw tokenError('ERR_TOKEN_TARGET_DISABLED', `partner application "${identity}" is disabled`, {
        identity,
      });
    return record.partner;
  }

  /** A token for `partner` at `host` (app-only, or act-as for `user`), from the cache while fresh. */
  async issue(request: IssueRequest): Promise<IssuedToken> {
    const identity = request.partner.trim().toLowerCase();
    const now = this.deps.clock.now();
    const state = await this.#issuing.at(now.getTime());
    const target = await this.#target(state, identity);
    const audience = formatAudience(
      target.applicationIdentifier,
      normalizeTargetHost(request.host),
      target.realm,
    );
    const user = request.user ? actingUser(request.user) : null;
    const signer = (await state.material()).current;
    if (!signer?.privateKey)
      throw tokenError(
        'ERR_TOKEN_NO_SIGNING_CERTIFICATE',
        'no current OAuthTokenIssuer certificate with a private key',
      );
    if (target.useOAuthServer) {
      const value = await this.#throughServer(
        target.useOAuthServer,
        target,
        request,
        audience,
        user,
        { x5t: signer.x5t, privateKey: signer.privateKey },
        now,
      );
      this.#notifyIssued(identity, audience, value.oauthServer?.cached ?? false);
      return value;
    }
    const key = `${audience}\n${user ? `${user.nameid}\n${user.smtp}\n${user.sip}\n${user.upn}` : ''}`;
    const cached = this.#issued.get(key);
    // Renew well before expiry, and at once after a roll (the current certificate changed).
    if (cached && cached.value.x5t === signer.x5t && now.getTime() < cached.renewAt) {
      this.#notifyIssued(identity, audience, true);
      return cached.value;
    }
    const config = await state.config();
    const issuer = formatPrincipalName(config.serviceName, config.realm);
    const actorExpires = new Date(now.getTime() + config.actorTokenLifetimeSeconds * 1000);
    const actorToken = buildActorToken({
      audience,
      issuer,
      notBefore: now,
      expiresAt: actorExpires,
      signer: { x5t: signer.x5t, privateKey: signer.privateKey },
    });
    let token = actorToken;
    let expiresAt = actorExpires;
    if (user) {
      const outerExpires = new Date(
        Math.min(now.getTime() + config.outerTokenLifetimeSeconds * 1000, actorExpires.getTime()),
      );
      token = buildActAsToken({
        audience,
        issuer,
        notBefore: now,
        expiresAt: outerExpires,
        user,
        actorToken,
        actorExpiresAt: actorExpires,
      });
      expiresAt = outerExpires;
    }
    const value: IssuedToken = { token, actorToken, expiresAt, audience, x5t: signer.x5t };
    this.#remember(key, { value, renewAt: expiresAt.getTime() - (expiresAt.getTime() - now.getTime()) / 4 });
    this.#notifyIssued(identity, audience, false);
    return value;
  }

  /**
   * A partner behind an OAuth server (docs/hybrid.md "Outbound"): the actor token comes from the server
   * (cached per resource by the ActorTokenClient), and for a user it is wrapped in the unsigned outer token
   * exactly as for a direct partner (docs/protocol.md §8 step 5): `iss` = the actor's nameid
   * `<our service name>@<partner realm>`.
   */
  async #throughServer(
    serverIdentity: string,
    target: { applicationIdentifier: string; realm: string },
    request: IssueRequest,
    audience: string,
    user: ReturnType<typeof actingUser> | null,
    signer: { x5t: string; privateKey: KeyObject },
    now: Date,
  ): Promise<IssuedToken> {
    const record = await readOAuthServer(this.deps.store, serverIdentity);
    if (!record)
      throw partnerError('ERR_OAUTH_SERVER_NOT_FOUND', `no OAuth server named ${serverIdentity}`, {
        identity: serverIdentity,
      });
    const server = record.server;
    const config = await this.deps.ports.oauth.get();
    const host = normalizeTargetHost(request.host);
    const resource = server.type === 'acs' ? audience : `https://${host}`;
    const actor = await this.#actors.get(
      {
        server,
        resource,
        clientId: config.serviceName.toLowerCase(),
        tenant: server.realm === '*' ? target.realm : server.realm,
        x5t: signer.x5t,
        privateKey: signer.privateKey,
      },
      request.fresh === true,
    );
    const oauthServer = {
      identity: server.identity,
      type: server.type,
      resource,
      cached: actor.cached,
      durationMs: actor.durationMs,
    };
    if (!user)
      return {
        token: actor.accessToken,
        actorToken: actor.accessToken,
        expiresAt: actor.expiresAt,
        audience,
        x5t: signer.x5t,
        oauthServer,
      };
    const outerExpires = new Date(
      Math.min(now.getTime() + config.outerTokenLifetimeSeconds * 1000, actor.expiresAt.getTime()),
    );
    const token = buildActAsToken({
      audience,
      issuer: formatPrincipalName(config.serviceName, target.realm),
      notBefore: now,
      expiresAt: outerExpires,
      // Across premises the user is named as Exchange hybrid names it (docs/hybrid.md "User claims"):
      // nii MicrosoftOnline, resolved by upn/smtp/sip; a SID keeps nii activedirectory.
      user: user.nii === null ? { ...user, nii: NII_MICROSOFT_ONLINE } : user,
      actorToken: actor.accessToken,
      actorExpiresAt: actor.expiresAt,
    });
    return {
      token,
      actorToken: actor.accessToken,
      expiresAt: outerExpires,
      audience,
      x5t: signer.x5t,
      oauthServer,
    };
  }

  /**
   * Validates `Authorization` for a request to `requestUrl` (docs/protocol.md §2.6), verifying RS256 in line
   * (the fastest per token); never throws for a bad token.
   */
  async validate(input: ValidateRequest): Promise<ValidationOutcome> {
    return this.validateNow(input) ?? this.#validateSlowly(input);
  }

  /**
   * {@link validate} without a promise when it can finish at once: the held trust is current (the store
   * tells its head synchronously) — a cached acceptance or a verification in line. Null when the trust
   * must be read first; then call {@link validate}. The HTTP preHandler uses it so that an authenticated
   * request costs no promise and no microtask turn (docs/server.md "Performance").
   */
  validateNow(input: ValidateRequest): ValidationOutcome | null {
    const p = this.#prepared(input);
    if (p === null) return null;
    if (p.hit) return p.hit;
    const ctx = { ...p.snapshot.base, now: p.now };
    return this.#settle(p, validateAuthorization(input.authorization, input.requestUrl, ctx));
  }

  async #validateSlowly(input: ValidateRequest): Promise<ValidationOutcome> {
    const p = await this.#preparedSlowly(input);
    if (p.hit) return p.hit;
    const ctx = { ...p.snapshot.base, now: p.now };
    return this.#settle(p, validateAuthorization(input.authorization, input.requestUrl, ctx));
  }

  /**
   * {@link validate} with the RS256 verification on the libuv thread pool: the event loop keeps serving
   * other requests meanwhile (a server under concurrent load), at the price of a thread hop per token.
   */
  async validateAsync(input: ValidateRequest): Promise<ValidationOutcome> {
    const p = this.#prepared(input) ?? (await this.#preparedSlowly(input));
    if (p.hit) return p.hit;
    const ctx = { ...p.snapshot.base, now: p.now };
    return this.#settle(p, await validateAuthorizationAsync(input.authorization, input.requestUrl, ctx));
  }

  /** The same validation as named steps with verdicts (`s2s token test`). */
  async explain(token: string, requestUrl: string | URL): Promise<ValidationReport> {
    const snapshot = await this.#trust.snapshot();
    const report = explainToken(token, requestUrl, { ...snapshot.base, now: this.deps.clock.now() });
    this.#afterValidation(report);
    return report;
  }

  /** Without any await when the store tells synchronously that the held trust is current. */
  #prepared(input: ValidateRequest): Prepared | null {
    const now = this.deps.clock.now();
    const snapshot = this.#trust.held(now.getTime());
    return snapshot ? this.#lookup(snapshot, now, input) : null;
  }

  async #preparedSlowly(input: ValidateRequest): Promise<Prepared> {
    const snapshot = await this.#trust.snapshot();
    return this.#lookup(snapshot, this.deps.clock.now(), input);
  }

  #lookup(snapshot: TrustSnapshot, now: Date, input: ValidateRequest): Prepared {
    const slot = this.#validated.slotOf(input.authorization, input.requestUrl);
    return { snapshot, now, slot, hit: this.#validated.get(snapshot.version, slot, now.getTime()) };
  }

  #settle(p: Prepared, report: ValidationReport): ValidationOutcome {
    this.#afterValidation(report);
    this.#validated.put(p.snapshot.version, p.slot, report.outcome, p.snapshot.validUntil);
    return report.outcome;
  }

  /** An unknown `x5t` may mean the partner rolled its certificate: ask the partner service to refetch. */
  #afterValidation(report: ValidationReport): void {
    if (!report.refreshPartner) return;
    try {
      this.deps.ports.partnerRefresh.requestRefresh(report.refreshPartner, 'unknown-x5t', report.refreshX5t);
    } catch (err) {
      this.deps.logger.warn(
        { partner: report.refreshPartner, code: (err as { code?: string }).code },
        'partner refresh request failed',
      );
    }
  }

  /**
   * Subscribes to issuance (metrics): called after every `issue()` with the target partner identity, the
   * audience and whether the token came from the cache. Never given the token. Returns an unsubscribe.
   */
  onIssued(listener: IssuedListener): () => void {
    this.#issuedListeners.add(listener);
    return () => this.#issuedListeners.delete(listener);
  }

  #notifyIssued(partner: string, audience: string, cached: boolean): void {
    for (const listener of this.#issuedListeners) {
      try {
        listener({ partner, audience, cached });
      } catch {
        // a metrics listener never breaks issuance
      }
    }
  }

  #remember(key: string, entry: CachedToken): void {
    this.#issued.delete(key);
    this.#issued.set(key, entry);
    if (this.#issued.size <= MAX_CACHED_TOKENS) return;
    // The oldest quarter goes in one walk: deleting the oldest key on every insertion walks again the
    // holes the earlier deletions left at the front of the Map (docs/tokens.md §7, the token cache).
    let evict = MAX_CACHED_TOKENS / 4;
    for (const old of this.#issued.keys()) {
      if (evict-- <= 0) break;
      this.#issued.delete(old);
    }
  }
}
