/**
 * OAuth servers (New/Set/Get/Remove-CsOAuthServer; docs/protocol.md §5.3, §8; docs/hybrid.md): stored as
 * `oauth-server` documents (sealed and replicated like partners), fetched under the partner metadata
 * rules, refreshed on the partners' schedule and on an unknown key (through the same on-demand gate),
 * the last good keys kept when the server is unreachable.
 */
import {
  OAUTH_DEFAULTS,
  OAUTH_SERVER_TYPES,
  METADATA_REDIRECT_POLICIES,
  OnDemandRefreshGate,
  S2sError,
  hasCode,
  isRefreshDue,
  nextRefreshAt,
  normalizePartnerIdentity,
  normalizePartnerRealm,
  partnerError,
  sharedError,
} from '../../core/index.ts';
import type { MetadataRedirectPolicy, OAuthServer, OAuthServerType, Warning } from '../../core/index.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { DocumentFetcher } from '../partners/document-fetcher.ts';
import { fetchPolicyOf } from '../partners/fetch-policy.ts';
import { readPartners } from '../partners/partner-document.ts';
import { OAUTH_SERVER_KIND, readOAuthServer, readOAuthServers } from './oauth-server-document.ts';
import { loadOAuthServerMetadata, typeForUrl } from './oauth-server-loader.ts';
import type { LoadedOAuthServer } from './oauth-server-loader.ts';

/** `oauth-server new`. */
export interface NewOAuthServerInput {
  readonly identity: string;
  readonly metadataUrl: string;
  readonly type?: string | undefined;
  readonly realm?: string | undefined;
  readonly allowInsecureHttp?: boolean | undefined;
  readonly metadataRedirects?: string | undefined;
}

/** `oauth-server set`: only the fields given change (a new URL or type is fetched now). */
export interface OAuthServerPatch {
  readonly metadataUrl?: string | undefined;
  readonly type?: string | undefined;
  readonly realm?: string | undefined;
  readonly allowInsecureHttp?: boolean | undefined;
  readonly metadataRedirects?: string | undefined;
}

/** A server with its partners and refresh status. */
export interface OAuthServerView {
  readonly server: OAuthServer;
  readonly version: number;
  /** Identities of the partners registered through it (--use-oauth-server). */
  readonly partners: readonly string[];
  readonly status: {
    readonly nextRefreshAt: string | null;
    readonly lastSuccessAgeSeconds: number | null;
    readonly lastErrorAgeSeconds: number | null;
  };
}

/** What one refresh did. */
export interface OAuthServerRefreshResult {
  readonly identity: string;
  readonly outcome: 'updated' | 'unchanged' | 'failed';
  readonly keysChanged: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export class OAuthServerService {
  readonly #deps: ServiceDeps;
  readonly #fetcher: DocumentFetcher;
  readonly #gate = new OnDemandRefreshGate();
  readonly #inFlight = new Map<string, Promise<OAuthServerRefreshResult>>();
  readonly #onDemand = new Set<Promise<void>>();

  constructor(deps: ServiceDeps, fetcher: DocumentFetcher) {
    this.#deps = deps;
    this.#fetcher = fetcher;
  }

  /** Registers a server; its metadata is fetched now and must parse. */
  async create(input: NewOAuthServerInput): Promise<{ server: OAuthServerView; warnings: Warning[] }> {
    const identity = normalizePartnerIdentity(input.identity);
    if (await readOAuthServer(this.#deps.store, identity)) throw exists(identity);
    const type = parseType(input.type ?? typeForUrl(input.metadataUrl));
    const metadataRedirects = parseRedirects(input.metadataRedirects ?? 'same-origin');
    const allowInsecureHttp = input.allowInsecureHttp ?? false;
    const realmGiven = input.realm === undefined ? null : normalizePartnerRealm(input.realm);
    const loaded = await this.#load(input.metadataUrl, type, allowInsecureHttp, metadataRedirects);
    const now = this.#deps.clock.now().toISOString();
    const server: OAuthServer = {
      identity,
      type,
      metadataUrl: input.metadataUrl,
      realm: realmOf(type, loaded, realmGiven, input.metadataUrl),
      issuer: loaded.issuer,
      tokenEndpoint: tokenEndpointOf(loaded, input.metadataUrl),
      allowInsecureHttp,
      metadataRedirects,
      keys: keysOf(loaded),
      refresh: { lastSuccessAt: now, lastAttemptAt: now, lastError: null },
    };
    await this.#write(server, 'absent');
    return { server: await this.get(identity), warnings: [...loaded.warnings, ...insecure(server)] };
  }

  /** One server with the partners that use it. */
  async get(identity: string): Promise<OAuthServerView> {
    const id = normalizePartnerIdentity(identity);
    const record = await readOAuthServer(this.#deps.store, id);
    if (!record) throw notFound(id);
    const users = await this.#users();
    return this.#view(record.server, record.version, users, await this.#period());
  }

  /** Every server, ordered by identity. */
  async list(): Promise<OAuthServerView[]> {
    const [records, users, period] = await Promise.all([
      readOAuthServers(this.#deps.store),
      this.#users(),
      this.#period(),
    ]);
    return records.map((r) => this.#view(r.server, r.version, users, period));
  }

  /** Changes a server; a new URL, type or realm is checked against the metadata fetched now. */
  async update(
    identity: string,
    patch: OAuthServerPatch,
  ): Promise<{ server: OAuthServerView; warnings: Warning[] }> {
    const { server: old, version } = await this.get(identity);
    const type = patch.type === undefined ? old.type : parseType(patch.type);
    const metadataUrl = patch.metadataUrl ?? old.metadataUrl;
    const allowInsecureHttp = patch.allowInsecureHttp ?? old.allowInsecureHttp;
    const metadataRedirects =
      patch.metadataRedirects === undefined ? old.metadataRedirects : parseRedirects(patch.metadataRedirects);
    const realmGiven = patch.realm === undefined ? null : normalizePartnerRealm(patch.realm);
    let next: OAuthServer = { ...old, type, metadataUrl, allowInsecureHttp, metadataRedirects };
    const warnings: Warning[] = [];
    if (patch.metadataUrl !== undefined || patch.type !== undefined || patch.realm !== undefined) {
      const loaded = await this.#load(metadataUrl, type, allowInsecureHttp, metadataRedirects);
      const at = this.#deps.clock.now().toISOString();
      next = {
        ...next,
        realm: realmOf(type, loaded, realmGiven ?? (loaded.realm === null ? old.realm : null), metadataUrl),
        issuer: loaded.issuer,
        tokenEndpoint: tokenEndpointOf(loaded, metadataUrl),
        keys: keysOf(loaded),
        refresh: { lastSuccessAt: at, lastAttemptAt: at, lastError: null },
      };
      warnings.push(...loaded.warnings);
    }
    await this.#write(next, version);
    return { server: await this.get(next.identity), warnings: [...warnings, ...insecure(next)] };
  }

  /** Removes a server no partner uses. */
  async remove(identity: string): Promise<void> {
    const view = await this.get(identity);
    if (view.partners.length > 0) {
      throw partnerError(
        'ERR_OAUTH_SERVER_IN_USE',
        `OAuth server ${view.server.identity} is used by partner(s) ${view.partners.join(', ')}`,
        { identity: view.server.identity, partners: view.partners },
      );
    }
    await this.#deps.store.write(
      [{ op: 'delete', kind: OAUTH_SERVER_KIND, key: view.server.identity, expect: view.version }],
      this.#context(),
    );
  }

  /** Refreshes one server's keys now; a failure is recorded (last good keys kept) and thrown. */
  async refresh(identity: string): Promise<OAuthServerRefreshResult> {
    const res = await this.#refreshShared(normalizePartnerIdentity(identity));
    if (res.error) throw new S2sError(res.error.code, 'unavailable', res.error.message, { identity });
    return res;
  }

  /** Refreshes every server whose periodic refresh is due (the partners' period; 15 min after a failure). */
  async refreshDue(): Promise<OAuthServerRefreshResult[]> {
    const period = await this.#period();
    const now = this.#deps.clock.now();
    const due = (await readOAuthServers(this.#deps.store)).filter((r) =>
      isRefreshDue({ source: 'metadata', enabled: true, refresh: r.server.refresh }, period, now),
    );
    const results: OAuthServerRefreshResult[] = [];
    for (const { server } of due) results.push(await this.#refreshShared(server.identity));
    return results;
  }

  /** For the validator: a token named a key the server's metadata does not list (same gate as partners). */
  requestRefresh(
    identity: string,
    x5t: string | null,
  ): 'started' | 'coalesced' | 'rate-limited' | 'deduplicated' {
    if (this.#inFlight.has(identity)) return 'coalesced';
    const startedAt = this.#deps.clock.now();
    const gateKey = `oauth-server:${identity}`;
    const decision = this.#gate.request(gateKey, x5t, startedAt);
    if (!decision.allowed) return decision.reason === 'known-absent' ? 'deduplicated' : 'rate-limited';
    const run = this.#refreshShared(identity)
      .then(async () => {
        const record = await readOAuthServer(this.#deps.store, identity);
        return (
          x5t !== null &&
          (record?.server.keys.some(
            (k) => k.kid === x5t || Buffer.from(k.thumbprint, 'hex').toString('base64url') === x5t,
          ) ??
            false)
        );
      })
      .catch(() => false)
      .then((found) => this.#gate.settle(gateKey, x5t, found, startedAt))
      .finally(() => this.#onDemand.delete(run));
    this.#onDemand.add(run);
    return 'started';
  }

  /** Waits for fetches in flight (the server calls it when it stops). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#inFlight.values(), ...this.#onDemand]);
  }

  #refreshShared(identity: string): Promise<OAuthServerRefreshResult> {
    const running = this.#inFlight.get(identity);
    if (running) return running;
    const p = this.#refreshOnce(identity).finally(() => this.#inFlight.delete(identity));
    this.#inFlight.set(identity, p);
    return p;
  }

  async #refreshOnce(identity: string): Promise<OAuthServerRefreshResult> {
    const record = await readOAuthServer(this.#deps.store, identity);
    if (!record) throw notFound(identity);
    const { server } = record;
    const at = this.#deps.clock.now().toISOString();
    let loaded: LoadedOAuthServer | null = null;
    let error: S2sError | null = null;
    try {
      loaded = await this.#load(
        server.metadataUrl,
        server.type,
        server.allowInsecureHttp,
        server.metadataRedirects,
      );
      assertSameServer(server, loaded);
    } catch (err) {
      error =
        err instanceof S2sError
          ? err
          : sharedError('ERR_INTERNAL', `refreshing OAuth server ${identity} failed unexpectedly`, {}, err);
    }
    for (let tries = 0; ; tries++) {
      const current = await readOAuthServer(this.#deps.store, identity);
      if (!current) throw notFound(identity);
      if (current.server.metadataUrl !== server.metadataUrl)
        return { identity, outcome: 'unchanged', keysChanged: false, error: null };
      let body: OAuthServer;
      let res: OAuthServerRefreshResult;
      if (error !== null || loaded === null) {
        const e = error ?? sharedError('ERR_INTERNAL', 'no metadata');
        body = {
          ...current.server,
          refresh: {
            ...current.server.refresh,
            lastAttemptAt: at,
            lastError: { code: e.code, message: e.message, at },
          },
        };
        res = {
          identity,
          outcome: 'failed',
          keysChanged: false,
          error: { code: e.code, message: e.message },
        };
      } else {
        const keys = keysOf(loaded);
        const changed =
          keys.map((k) => k.thumbprint).join() !== current.server.keys.map((k) => k.thumbprint).join();
        body = {
          ...current.server,
          keys,
          tokenEndpoint: loaded.tokenEndpoint ?? current.server.tokenEndpoint,
          refresh: { lastSuccessAt: at, lastAttemptAt: at, lastError: null },
        };
        res = { identity, outcome: changed ? 'updated' : 'unchanged', keysChanged: changed, error: null };
      }
      try {
        await this.#deps.store.write(
          [{ op: 'put', kind: OAUTH_SERVER_KIND, key: identity, body, expect: current.version }],
          { actor: `node:${this.#deps.nodeName}` },
        );
      } catch (err) {
        if (hasCode(err, 'ERR_STORE_CONFLICT') && tries < 3) continue;
        throw err;
      }
      if (res.error)
        this.#deps.logger.warn(
          { oauthServer: identity, code: res.error.code },
          `OAuth server metadata refresh failed: ${res.error.message}`,
        );
      else if (res.keysChanged)
        this.#deps.logger.info({ oauthServer: identity }, 'OAuth server keys updated from metadata');
      return res;
    }
  }

  async #load(
    url: string,
    type: OAuthServerType,
    allowInsecureHttp: boolean,
    redirects: MetadataRedirectPolicy,
  ): Promise<LoadedOAuthServer> {
    const policy = await fetchPolicyOf(this.#deps.store, allowInsecureHttp, redirects);
    return loadOAuthServerMetadata(this.#fetcher, url, type, policy, this.#deps.clock.now());
  }

  async #users(): Promise<Map<string, string[]>> {
    const users = new Map<string, string[]>();
    for (const { partner } of await readPartners(this.#deps.store)) {
      const server = partner.useOAuthServer;
      if (!server) continue;
      users.set(server, [...(users.get(server) ?? []), partner.identity]);
    }
    return users;
  }

  async #period(): Promise<number> {
    return (
      (await this.#deps.ports.oauth.find())?.body.metadataRefreshSeconds ??
      OAUTH_DEFAULTS.metadataRefreshSeconds
    );
  }

  #view(server: OAuthServer, version: number, users: Map<string, string[]>, period: number): OAuthServerView {
    const now = this.#deps.clock.now();
    const age = (iso: string | null | undefined) =>
      iso ? Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000)) : null;
    return {
      server,
      version,
      partners: users.get(server.identity) ?? [],
      status: {
        nextRefreshAt:
          nextRefreshAt({ source: 'metadata', refresh: server.refresh }, period)?.toISOString() ?? null,
        lastSuccessAgeSeconds: age(server.refresh.lastSuccessAt),
        lastErrorAgeSeconds: age(server.refresh.lastError?.at),
      },
    };
  }

  async #write(server: OAuthServer, expect: number | 'absent'): Promise<void> {
    try {
      await this.#deps.store.write(
        [{ op: 'put', kind: OAUTH_SERVER_KIND, key: server.identity, body: server, expect }],
        this.#context(),
      );
    } catch (err) {
      if (expect === 'absent' && hasCode(err, 'ERR_STORE_CONFLICT')) throw exists(server.identity);
      throw err;
    }
  }

  #context() {
    return { actor: `service:oauth-servers@${this.#deps.nodeName}` };
  }
}

/** A refresh may change keys and the token endpoint, never the issuer or tenant (docs/protocol.md §1.3 step 5). */
function assertSameServer(server: OAuthServer, loaded: LoadedOAuthServer): void {
  const issuerChanged =
    server.type === 'acs'
      ? loaded.issuer.toLowerCase() !== server.issuer.toLowerCase()
      : loaded.issuer !== server.issuer;
  const realmChanged = loaded.realm !== null && server.realm !== '*' && loaded.realm !== server.realm;
  if (issuerChanged || realmChanged) {
    throw partnerError(
      'ERR_METADATA_IDENTITY_CHANGED',
      `the metadata of OAuth server ${server.identity} now names issuer ${loaded.issuer}${loaded.realm ? `@${loaded.realm}` : ''}; keeping the registered keys`,
      { identity: server.identity },
    );
  }
}

function realmOf(
  type: OAuthServerType,
  loaded: LoadedOAuthServer,
  given: string | null,
  url: string,
): string {
  if (given !== null && loaded.realm !== null && given !== loaded.realm) {
    throw sharedError(
      'ERR_INVALID_INPUT',
      `the metadata at ${url} names tenant ${loaded.realm}, not ${given}`,
      { field: 'realm' },
    );
  }
  const realm = given ?? loaded.realm;
  if (realm !== null) return realm;
  if (type === 'oauth2') return '*';
  throw partnerError(
    'ERR_OAUTH_SERVER_REALM_REQUIRED',
    `the ACS metadata at ${url} names no tenant; pass --realm <tenant id>`,
    { url },
  );
}

function tokenEndpointOf(loaded: LoadedOAuthServer, url: string): string {
  if (loaded.tokenEndpoint === null)
    throw partnerError(
      'ERR_OAUTH_SERVER_NO_TOKEN_ENDPOINT',
      `the metadata at ${url} names no token endpoint`,
      { url },
    );
  return loaded.tokenEndpoint;
}

function keysOf(loaded: LoadedOAuthServer) {
  return loaded.keys.map((k) => ({
    thumbprint: k.thumbprint,
    certificate: k.certificate,
    ...(k.kid === undefined ? {} : { kid: k.kid }),
    ...(k.spki === undefined ? {} : { spki: k.spki }),
  }));
}

function parseType(value: string): OAuthServerType {
  const found = OAUTH_SERVER_TYPES.find((t) => t === value.trim().toLowerCase());
  if (found === undefined)
    throw partnerError(
      'ERR_OAUTH_SERVER_TYPE_INVALID',
      `OAuth server type "${value.slice(0, 32)}" is not acs or oauth2`,
      { value: value.slice(0, 32) },
    );
  return found;
}

function parseRedirects(value: string): MetadataRedirectPolicy {
  const found = METADATA_REDIRECT_POLICIES.find((p) => p === value.trim().toLowerCase());
  if (found === undefined)
    throw sharedError('ERR_USAGE', `--metadata-redirects is ${METADATA_REDIRECT_POLICIES.join(', ')}`, {
      value: value.slice(0, 40),
    });
  return found;
}

function insecure(server: OAuthServer): Warning[] {
  if (!server.allowInsecureHttp || !server.metadataUrl.startsWith('http:')) return [];
  return [
    {
      code: 'WARN_METADATA_INSECURE_HTTP',
      message: `OAuth server ${server.identity} fetches its metadata over plain http: test hosts only`,
    },
  ];
}

function notFound(identity: string): S2sError {
  return partnerError('ERR_OAUTH_SERVER_NOT_FOUND', `no OAuth server named ${identity}`, { identity });
}

function exists(identity: string): S2sError {
  return partnerError('ERR_OAUTH_SERVER_EXISTS', `an OAuth server named ${identity} already exists`, {
    identity,
  });
}
