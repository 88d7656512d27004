/**
 * Keeps partners' keys fresh (docs/protocol.md §7, consumer side): a periodic refresh (OAuthConfiguration
 * .metadataRefreshSeconds, 12 h by default; 15 min after a failure), on-demand refreshes for an unknown
 * `x5t` or a signature failure (through the on-demand gate, docs/security.md "Refresh budget"), one fetch in flight per partner (callers share it), the
 * last good keys kept when a partner is unreachable, and a document naming another serviceName, realm or
 * issuer refused (Exchange does the same, §1.3 step 5). State is written with optimistic concurrency.
 */
import { OAUTH_DEFAULTS, S2sError, hasCode, sharedError } from '../../core/index.ts';
import type { ErrorCategory, MetadataRedirectPolicy, PartnerApplication, Warning } from '../../core/index.ts';
import type { ParsedPartnerMetadata } from '../../core/metadata/index.ts';
import { partnerError } from '../../core/partners/partner-errors.ts';
import { isRefreshDue } from '../../core/partners/refresh-schedule.ts';
import { OnDemandRefreshGate } from '../../core/partners/on-demand-refresh-gate.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { DocumentFetcher, FetchPolicy } from './document-fetcher.ts';
import { PARTNER_KIND, readPartner, readPartners } from './partner-document.ts';
import { loadPartnerMetadata } from './partner-metadata-loader.ts';
import { fetchPolicyOf } from './fetch-policy.ts';

/** What one refresh did. */
export interface RefreshResult {
  readonly identity: string;
  readonly outcome: 'updated' | 'unchanged' | 'failed';
  readonly keysChanged: boolean;
  readonly error: {
    readonly code: string;
    readonly category: ErrorCategory;
    readonly message: string;
  } | null;
  readonly warnings: readonly Warning[];
}

/** Why an on-demand refresh was asked for. */
export type RefreshReason = 'unknown-x5t' | 'signature-failure' | 'operator';

/** What `requestRefresh` decided. */
export type RefreshRequestStatus =
  'started' | 'coalesced' | 'rate-limited' | 'deduplicated' | 'not-applicable';

type Attempt = { ok: true; parsed: ParsedPartnerMetadata } | { ok: false; error: S2sError };

export class PartnerRefresher {
  readonly #deps: ServiceDeps;
  readonly #fetcher: DocumentFetcher;
  readonly #gate: OnDemandRefreshGate;
  readonly #inFlight = new Map<string, Promise<RefreshResult>>();
  /** On-demand fetches with their gate accounting, awaited by `stop()`. */
  readonly #onDemand = new Set<Promise<void>>();

  constructor(deps: ServiceDeps, fetcher: DocumentFetcher, gate = new OnDemandRefreshGate()) {
    this.#deps = deps;
    this.#fetcher = fetcher;
    this.#gate = gate;
  }

  /** The fetch policy for a partner: its http opt-in, its redirect policy, the deployment's trusted roots and its CA's revocations (read now). */
  async policy(
    allowInsecureHttp: boolean,
    redirects: MetadataRedirectPolicy = 'same-origin',
  ): Promise<FetchPolicy> {
    return fetchPolicyOf(this.#deps.store, allowInsecureHttp, redirects);
  }

  /** Fetches and parses a metadata URL now (used by `partner new` / `set`). */
  async load(
    url: string,
    allowInsecureHttp: boolean,
    redirects: MetadataRedirectPolicy = 'same-origin',
  ): Promise<ParsedPartnerMetadata> {
    return loadPartnerMetadata(
      this.#fetcher,
      url,
      await this.policy(allowInsecureHttp, redirects),
      this.#deps.clock.now(),
    );
  }

  /** Refreshes one partner now; concurrent callers share the fetch in flight. */
  refresh(identity: string): Promise<RefreshResult> {
    const running = this.#inFlight.get(identity);
    if (running) return running;
    const promise = this.#refreshOnce(identity).finally(() => this.#inFlight.delete(identity));
    this.#inFlight.set(identity, promise);
    return promise;
  }

  /**
   * Asks for a refresh after an unknown `x5t` (or a signature failure), through the on-demand gate:
   * coalesced with a fetch in flight, de-duplicated per `x5t`, rate-limited per partner with a budget an
   * attacker cannot drain (docs/security.md "Refresh budget").
   */
  requestRefresh(identity: string, reason: RefreshReason, x5t: string | null = null): RefreshRequestStatus {
    if (this.#inFlight.has(identity)) return 'coalesced';
    const startedAt = this.#deps.clock.now();
    const decision = this.#gate.request(identity, x5t, startedAt);
    if (!decision.allowed) return decision.reason === 'known-absent' ? 'deduplicated' : 'rate-limited';
    const run = this.refresh(identity)
      .then(
        () => this.#hasKey(identity, x5t),
        (err: unknown) => {
          if (!hasCode(err, 'ERR_PARTNER_NOT_FOUND') && !hasCode(err, 'ERR_PARTNER_NOT_METADATA')) {
            this.#deps.logger.warn(
              { partner: identity, reason, code: (err as S2sError).code },
              'on-demand metadata refresh failed',
            );
          }
          return false;
        },
      )
      .then((found) => this.#gate.settle(identity, x5t, found, startedAt))
      .catch(() => this.#gate.settle(identity, x5t, false, startedAt))
      .finally(() => this.#onDemand.delete(run));
    this.#onDemand.add(run);
    this.#deps.logger.info({ partner: identity, reason }, 'on-demand metadata refresh');
    return 'started';
  }

  /** Whether the partner's stored keys now include `x5t` (the fetch it started found a real roll). */
  async #hasKey(identity: string, x5t: string | null): Promise<boolean> {
    if (x5t === null) return false;
    const record = await readPartner(this.#deps.store, identity);
    return (
      record?.partner.keys.some((k) => Buffer.from(k.thumbprint, 'hex').toString('base64url') === x5t) ??
      false
    );
  }

  /** Refreshes every enabled metadata partner whose periodic refresh is due. */
  async refreshDue(): Promise<RefreshResult[]> {
    const config = await this.#deps.ports.oauth.find();
    const period = config?.body.metadataRefreshSeconds ?? OAUTH_DEFAULTS.metadataRefreshSeconds;
    const now = this.#deps.clock.now();
    const due = (await readPartners(this.#deps.store)).filter((r) => isRefreshDue(r.partner, period, now));
    const results: RefreshResult[] = [];
    for (const { partner } of due) results.push(await this.refresh(partner.identity));
    return results;
  }

  /** Waits for the fetches in flight. The periodic schedule is the server's (src/main/partner-refresh-schedule.ts). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#inFlight.values(), ...this.#onDemand]);
  }

  async #refreshOnce(identity: string): Promise<RefreshResult> {
    const record = await readPartner(this.#deps.store, identity);
    if (!record)
      throw partnerError('ERR_PARTNER_NOT_FOUND', `no partner application named ${identity}`, { identity });
    const { partner } = record;
    if (partner.source !== 'metadata' || partner.metadataUrl === null) {
      throw partnerError(
        'ERR_PARTNER_NOT_METADATA',
        `partner ${identity} has a static certificate and no metadata URL`,
        { identity },
      );
    }
    const at = this.#deps.clock.now().toISOString();
    const attempt = await this.#attempt(partner);
    return this.#persist(identity, partner.metadataUrl, attempt, at);
  }

  async #attempt(partner: PartnerApplication): Promise<Attempt> {
    try {
      const parsed = await this.load(
        partner.metadataUrl!,
        partner.allowInsecureHttp,
        partner.metadataRedirects ?? 'same-origin',
      );
      assertSameIdentity(partner, parsed);
      return { ok: true, parsed };
    } catch (err) {
      const error =
        err instanceof S2sError
          ? err
          : sharedError(
              'ERR_INTERNAL',
              `refreshing partner ${partner.identity} failed unexpectedly`,
              {},
              err,
            );
      return { ok: false, error };
    }
  }

  /** Writes the outcome onto the latest version, re-checking after a concurrent change. */
  async #persist(identity: string, url: string, attempt: Attempt, at: string): Promise<RefreshResult> {
    for (let tries = 0; ; tries++) {
      const record = await readPartner(this.#deps.store, identity);
      if (!record)
        throw partnerError('ERR_PARTNER_NOT_FOUND', `partner ${identity} was removed during its refresh`, {
          identity,
        });
      const current = record.partner;
      if (current.metadataUrl !== url) return result(identity, 'unchanged', false, null, []); // changed by an admin meanwhile
      const outcome = attempt.ok ? checkAgain(current, attempt) : attempt;
      const { body, res } = apply(current, outcome, at);
      try {
        await this.#deps.store.write(
          [{ op: 'put', kind: PARTNER_KIND, key: identity, body, expect: record.version }],
          { actor: `node:${this.#deps.nodeName}` },
        );
      } catch (err) {
        if (hasCode(err, 'ERR_STORE_CONFLICT') && tries < 3) continue;
        throw err;
      }
      this.#log(res);
      return res;
    }
  }

  #log(res: RefreshResult): void {
    if (res.error)
      this.#deps.logger.warn(
        { partner: res.identity, code: res.error.code },
        `metadata refresh failed: ${res.error.message}`,
      );
    else if (res.keysChanged)
      this.#deps.logger.info({ partner: res.identity }, 'partner keys updated from metadata');
  }
}

/** Only the key list may change on a refresh (docs/protocol.md §1.3 step 5). */
export function assertSameIdentity(partner: PartnerApplication, parsed: ParsedPartnerMetadata): void {
  const changed: string[] = [];
  if (parsed.serviceName !== partner.applicationIdentifier)
    changed.push(`service name ${partner.applicationIdentifier} → ${parsed.serviceName}`);
  if (parsed.realm !== partner.realm) changed.push(`realm ${partner.realm} → ${parsed.realm}`);
  if (
    partner.issuer !== null &&
    parsed.issuer !== null &&
    parsed.issuer.toLowerCase() !== partner.issuer.toLowerCase()
  ) {
    changed.push(`issuer ${partner.issuer} → ${parsed.issuer}`);
  }
  if (changed.length > 0) {
    throw partnerError(
      'ERR_METADATA_IDENTITY_CHANGED',
      `the metadata of partner ${partner.identity} changed its ${changed.join(', ')}; keeping the registered keys`,
      { identity: partner.identity },
    );
  }
}

function checkAgain(
  partner: PartnerApplication,
  attempt: { ok: true; parsed: ParsedPartnerMetadata },
): Attempt {
  try {
    assertSameIdentity(partner, attempt.parsed);
    return attempt;
  } catch (err) {
    return { ok: false, error: err as S2sError };
  }
}

function apply(
  partner: PartnerApplication,
  attempt: Attempt,
  at: string,
): { body: PartnerApplication; res: RefreshResult } {
  if (!attempt.ok) {
    const { code, category, message } = attempt.error;
    const body = {
      ...partner,
      refresh: { ...partner.refresh, lastAttemptAt: at, lastError: { code, message, at } },
    };
    return { body, res: result(partner.identity, 'failed', false, { code, category, message }, []) };
  }
  const keys = attempt.parsed.keys.map((k) => ({ thumbprint: k.thumbprint, certificate: k.certificate }));
  const keysChanged = keys.map((k) => k.thumbprint).join() !== partner.keys.map((k) => k.thumbprint).join();
  const body = { ...partner, keys, refresh: { lastSuccessAt: at, lastAttemptAt: at, lastError: null } };
  return {
    body,
    res: result(
      partner.identity,
      keysChanged ? 'updated' : 'unchanged',
      keysChanged,
      null,
      attempt.parsed.warnings,
    ),
  };
}

function result(
  identity: string,
  outcome: RefreshResult['outcome'],
  keysChanged: boolean,
  error: RefreshResult['error'],
  warnings: readonly Warning[],
): RefreshResult {
  return { identity, outcome, keysChanged, error, warnings };
}
