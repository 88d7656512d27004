/**
 * Obtains actor tokens from OAuth servers (docs/protocol.md §8, §10; docs/hybrid.md "Outbound"): a client
 * assertion signed with our OAuthTokenIssuer certificate, the legacy ACS JWT-bearer grant or RFC 7523
 * client_credentials, cached per (server, resource) until shortly before expiry, with concurrent callers
 * sharing one request. The server's refusal reaches the caller as ERR_OAUTH_SERVER_REFUSED with its reason.
 */
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { partnerError, readTokenResponse } from '../../core/index.ts';
import type { IssuedActorToken, OAuthServer } from '../../core/index.ts';
import { buildClientAssertion } from '../../core/tokens/index.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { isTransportFailure, PartnerHttpsClient } from '../storage/partner-https-client.ts';

/** The JWT-bearer grant of ACS (docs/protocol.md §8 step 3). */
export const ACS_JWT_BEARER_GRANT = 'http://oauth.net/grant_type/jwt/1.0/bearer';
/** RFC 7523 §2.2. */
export const JWT_BEARER_CLIENT_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Renew this long before expiry (or at 3/4 of a shorter lifetime). */
const RENEW_BEFORE_MS = 5 * 60 * 1000;
const MAX_CACHED = 1000;

/** What one request needs. */
export interface ActorTokenRequest {
  readonly server: OAuthServer;
  /** `<target id>/<target host>@<tenant>` (acs) or `https://<target host>` (oauth2). */
  readonly resource: string;
  /** Our service name: the client id at the server. */
  readonly clientId: string;
  /** The tenant the assertion names. */
  readonly tenant: string;
  readonly x5t: string;
  readonly privateKey: KeyObject;
}

/** An actor token and how it was obtained (for the connectivity test's step detail). */
export interface ObtainedActorToken extends IssuedActorToken {
  readonly cached: boolean;
  /** Milliseconds the request to the server took (0 when cached). */
  readonly durationMs: number;
}

interface Cached {
  readonly token: IssuedActorToken;
  readonly renewAt: number;
  readonly x5t: string;
}

export class ActorTokenClient {
  readonly #deps: ServiceDeps;
  readonly #cache = new Map<string, Cached>();
  readonly #inFlight = new Map<string, Promise<ObtainedActorToken>>();

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** An actor token for `request.resource`, from the cache while fresh; one request in flight per key. */
  async get(request: ActorTokenRequest, fresh = false): Promise<ObtainedActorToken> {
    const key = `${request.server.identity}\n${request.server.tokenEndpoint}\n${request.resource}\n${request.clientId}`;
    const now = this.#deps.clock.now().getTime();
    const hit = this.#cache.get(key);
    if (!fresh && hit && hit.x5t === request.x5t && now < hit.renewAt)
      return { ...hit.token, cached: true, durationMs: 0 };
    const running = this.#inFlight.get(key);
    if (running) return running;
    const p = this.#request(request)
      .then((obtained) => {
        const lifetime = obtained.expiresAt.getTime() - now;
        const renewAt = obtained.expiresAt.getTime() - Math.min(RENEW_BEFORE_MS, lifetime / 4);
        this.#cache.delete(key);
        this.#cache.set(key, { token: obtained, renewAt, x5t: request.x5t });
        if (this.#cache.size > MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value!);
        return obtained;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }

  /** Forgets cached tokens (after a server or partner change the next call asks again). */
  clear(): void {
    this.#cache.clear();
  }

  async #request(r: ActorTokenRequest): Promise<ObtainedActorToken> {
    const { server } = r;
    const url = server.tokenEndpoint;
    const scheme = new URL(url).protocol;
    if (scheme !== 'https:' && !(scheme === 'http:' && server.allowInsecureHttp))
      throw partnerError(
        'ERR_METADATA_INSECURE_URL',
        `the token endpoint ${url} of OAuth server ${server.identity} is not https`,
        { url },
      );
    const now = this.#deps.clock.now();
    const assertion = buildClientAssertion({
      type: server.type,
      clientId: r.clientId,
      tenant: r.tenant,
      tokenEndpoint: url,
      now,
      jti: randomUUID(),
      x5t: r.x5t,
      privateKey: r.privateKey,
    });
    const form = new URLSearchParams(
      server.type === 'acs'
        ? { grant_type: ACS_JWT_BEARER_GRANT, assertion, resource: r.resource }
        : {
            grant_type: 'client_credentials',
            client_id: r.clientId,
            client_assertion_type: JWT_BEARER_CLIENT_ASSERTION,
            client_assertion: assertion,
            resource: r.resource,
          },
    );
    const client = await PartnerHttpsClient.open(this.#deps.store);
    const started = performance.now();
    try {
      const res = await client.send(
        'POST',
        url,
        { accept: 'application/json', 'client-request-id': randomUUID(), 'return-client-request-id': 'true' },
        form,
      );
      if (isTransportFailure(res))
        throw partnerError(
          'ERR_OAUTH_SERVER_UNREACHABLE',
          `the token endpoint ${url} of OAuth server ${server.identity} could not be reached (${res.kind === 'tls' ? 'TLS not trusted: ' : ''}${res.code})`,
          { url, code: res.code },
        );
      const token = readTokenResponse(res.status, res.text, now, {
        server: server.identity,
        resource: r.resource,
      });
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      this.#deps.logger.info(
        { oauthServer: server.identity, resource: r.resource, expiresAt: token.expiresAt.toISOString() },
        'actor token obtained from OAuth server',
      );
      return { ...token, cached: false, durationMs };
    } finally {
      await client.close();
    }
  }
}
