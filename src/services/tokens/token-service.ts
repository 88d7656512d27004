/**
 * Issuing and validating S2S tokens (protocol.md §2, §4, §6.2): the use cases behind `s2s token new|test`,
 * the HTTP middleware and the storage client. Signing uses the OAuthTokenIssuer certificate that is
 * current *now*; validation verifies with node:crypto KeyObjects cached by thumbprint.
 */
import {
  buildActAsToken,
  buildActorToken,
  explainToken,
  formatAudience,
  formatPrincipalName,
  tokenError,
  validateAuthorization,
} from '../../core/tokens/index.ts';
import type { ValidationOutcome, ValidationReport } from '../../core/tokens/index.ts';
import { readPartner } from '../partners/partner-document.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { actingUser, normalizeTargetHost } from './issue-request.ts';
import type { IssueUser } from './issue-request.ts';
import { signingMaterialOf, TrustContextSource } from './trust-context-source.ts';
import { ValidatedTokenCache } from './validated-token-cache.ts';

export type { IssueUser } from './issue-request.ts';

/** What to issue: for a partner (by identity), at a target host, optionally for a user. */
export interface IssueRequest {
  readonly partner: string;
  readonly host: string;
  readonly user?: IssueUser;
}

/** An issued token (the only object that carries token material: never log it). */
export interface IssuedToken {
  /** What goes after `Bearer `: the act-as token for a user, else the actor token. */
  readonly token: string;
  readonly actorToken: string;
  readonly expiresAt: Date;
  readonly audience: string;
  /** Certificate that signed the actor. */
  readonly x5t: string;
}

interface CachedToken {
  readonly value: IssuedToken;
  readonly renewAt: number;
}

/** Issued tokens kept per (audience, user); renewed when a quarter of the lifetime is left. */
const MAX_CACHED_TOKENS = 1000;

export class TokenService {
  protected readonly deps: ServiceDeps;
  readonly #trust: TrustContextSource;
  readonly #issued = new Map<string, CachedToken>();
  readonly #validated = new ValidatedTokenCache();

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    this.#trust = new TrustContextSource(deps);
  }

  /** A token for `partner` at `host` (app-only, or act-as for `user`), from the cache while fresh. */
  async issue(request: IssueRequest): Promise<IssuedToken> {
    const identity = request.partner.trim().toLowerCase();
    const record = await readPartner(this.deps.store, identity);
    if (!record)
      throw tokenError('ERR_TOKEN_PARTNER_NOT_FOUND', `no partner application "${identity}"`, { identity });
    if (!record.partner.enabled)
      throw tokenError('ERR_TOKEN_TARGET_DISABLED', `partner application "${identity}" is disabled`, {
        identity,
      });
    const audience = formatAudience(
      record.partner.applicationIdentifier,
      normalizeTargetHost(request.host),
      record.partner.realm,
    );
    const user = request.user ? actingUser(request.user) : null;
    const material = await signingMaterialOf(this.deps);
    const signer = material.current;
    if (!signer?.privateKey)
      throw tokenError(
        'ERR_TOKEN_NO_SIGNING_CERTIFICATE',
        'no current OAuthTokenIssuer certificate with a private key',
      );
    const now = this.deps.clock.now();
    const key = `${audience}\n${user ? `${user.nameid}\n${user.smtp}\n${user.sip}\n${user.upn}` : ''}`;
    const cached = this.#issued.get(key);
    // Renew well before expiry, and at once after a roll (the current certificate changed).
    if (cached && cached.value.x5t === signer.x5t && now.getTime() < cached.renewAt) return cached.value;
    const config = await this.deps.services.oauth.get();
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
    return value;
  }

  /** Validates `Authorization` for a request to `requestUrl` (protocol.md §2.6); never throws for a bad token. */
  async validate(input: {
    authorization: string | null | undefined;
    requestUrl: string | URL;
  }): Promise<ValidationOutcome> {
    const snapshot = await this.#trust.snapshot();
    const now = this.deps.clock.now();
    const hit = this.#validated.get(snapshot.version, input.authorization, input.requestUrl, now);
    if (hit) return hit;
    const report = validateAuthorization(input.authorization, input.requestUrl, { ...snapshot.base, now });
    this.#afterValidation(report);
    this.#validated.put(
      snapshot.version,
      input.authorization,
      input.requestUrl,
      report.outcome,
      snapshot.validUntil,
    );
    return report.outcome;
  }

  /** The same validation as named steps with verdicts (`s2s token test`). */
  async explain(token: string, requestUrl: string | URL): Promise<ValidationReport> {
    const snapshot = await this.#trust.snapshot();
    const report = explainToken(token, requestUrl, { ...snapshot.base, now: this.deps.clock.now() });
    this.#afterValidation(report);
    return report;
  }

  /** An unknown `x5t` may mean the partner rolled its certificate: ask the partner service to refetch. */
  #afterValidation(report: ValidationReport): void {
    if (!report.refreshPartner) return;
    const partners = this.deps.services.partners as unknown as {
      requestRefresh?: (identity: string, reason: 'unknown-x5t') => unknown;
    };
    try {
      partners.requestRefresh?.call(this.deps.services.partners, report.refreshPartner, 'unknown-x5t');
    } catch (err) {
      this.deps.logger.warn(
        { partner: report.refreshPartner, code: (err as { code?: string }).code },
        'partner refresh request failed',
      );
    }
  }

  #remember(key: string, entry: CachedToken): void {
    this.#issued.delete(key);
    this.#issued.set(key, entry);
    if (this.#issued.size > MAX_CACHED_TOKENS) this.#issued.delete(this.#issued.keys().next().value!);
  }
}
