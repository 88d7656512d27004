/**
 * Partner applications (New/Get/Set/Remove-CsPartnerApplication; docs/protocol.md §4, §5.1) and the refresh of
 * their metadata (§1.3, §7). Documents: kind `partner`, key = lower-cased identity, body PartnerApplication.
 */
import {
  METADATA_REDIRECT_POLICIES,
  OAUTH_DEFAULTS,
  S2sError,
  hasCode,
  sharedError,
} from '../../core/index.ts';
import type { MetadataRedirectPolicy, PartnerApplication, Warning } from '../../core/index.ts';
import { MIN_PARTNER_RSA_BITS, readCertificateFile } from '../../core/metadata/index.ts';
import type { ParsedPartnerMetadata } from '../../core/metadata/index.ts';
import { partnerError } from '../../core/partners/partner-errors.ts';
import {
  normalizeApplicationIdentifier,
  normalizePartnerIdentity,
  normalizePartnerRealm,
  parseTrustLevel,
} from '../../core/partners/partner-identity.ts';
import { nextRefreshAt } from '../../core/partners/refresh-schedule.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { DocumentFetcher } from './document-fetcher.ts';
import { PARTNER_KIND, readPartner, readPartners } from './partner-document.ts';
import { readOAuthServer } from '../oauth-servers/oauth-server-document.ts';
import type { NewPartnerInput, PartnerPatch } from './partner-input.ts';
import { PartnerRefresher, assertSameIdentity } from './partner-refresher.ts';
import type { RefreshReason, RefreshRequestStatus, RefreshResult } from './partner-refresher.ts';

export type { RefreshReason, RefreshRequestStatus, RefreshResult } from './partner-refresher.ts';
export type { NewPartnerInput, PartnerPatch } from './partner-input.ts';
export type { DocumentFetcher, FetchedDocument, FetchPolicy } from './document-fetcher.ts';

/** A partner with its concurrency token and refresh status at the time it was read. */
export interface PartnerView {
  readonly partner: PartnerApplication;
  readonly version: number;
  readonly status: {
    readonly nextRefreshAt: string | null;
    readonly lastSuccessAgeSeconds: number | null;
    readonly lastErrorAgeSeconds: number | null;
  };
}

/** Options of {@link PartnerService}. */
export interface PartnerServiceOptions {
  /** How metadata is fetched (src/adapters/http-client); without one, commands needing a fetch fail. */
  readonly fetcher?: DocumentFetcher;
}

const noFetcher: DocumentFetcher = {
  fetch: async (url) => {
    throw partnerError(
      'ERR_METADATA_UNREACHABLE',
      `no metadata fetcher is configured in this process to fetch ${url}`,
      { url },
    );
  },
};

/** A fetched metadata document, for review before it is trusted. */
export interface MetadataPreview {
  readonly url: string;
  readonly serviceName: string;
  readonly realm: string;
  readonly issuer: string | null;
  readonly keys: ReadonlyArray<{
    readonly x5t: string;
    readonly thumbprint: string;
    readonly keyBits: number;
    readonly notBefore: string;
    readonly notAfter: string;
  }>;
  readonly warnings: readonly Warning[];
}

export class PartnerService {
  protected readonly deps: ServiceDeps;
  readonly #refresher: PartnerRefresher;

  constructor(deps: ServiceDeps, options: PartnerServiceOptions = {}) {
    this.deps = deps;
    this.#refresher = new PartnerRefresher(deps, options.fetcher ?? noFetcher);
  }

  /** Registers a partner; with a metadata URL the document is fetched now and must parse. */
  async create(input: NewPartnerInput): Promise<{ partner: PartnerView; warnings: Warning[] }> {
    const identity = normalizePartnerIdentity(input.identity);
    if (await readPartner(this.deps.store, identity)) {
      throw partnerError('ERR_PARTNER_EXISTS', `a partner application named ${identity} already exists`, {
        identity,
      });
    }
    const allowInsecureHttp = input.allowInsecureHttp ?? false;
    // Typed values are checked before anything goes on the network.
    const trustLevel = parseTrustLevel(input.trustLevel ?? 'Full');
    const metadataRedirects = parseRedirectPolicy(input.metadataRedirects ?? 'same-origin');
    const storageUrl = checkStorageUrl(input.storageUrl ?? null, allowInsecureHttp);
    const { source, warnings } = await this.#keySource(input, allowInsecureHttp, metadataRedirects);
    const now = this.deps.clock.now().toISOString();
    const partner: PartnerApplication = {
      identity,
      ...source,
      trustLevel,
      enabled: input.enabled ?? true,
      acceptSecurityIdentifierInformation: input.acceptSecurityIdentifierInformation ?? false,
      allowInsecureHttp,
      metadataRedirects,
      refresh: {
        lastSuccessAt: source.source === 'metadata' ? now : null,
        lastAttemptAt: source.source === 'metadata' ? now : null,
        lastError: null,
      },
      storageUrl,
    };
    await this.#checkIssuer(partner);
    await this.#write(partner, 'absent');
    return {
      partner: await this.get(identity),
      warnings: [...warnings, ...insecureWarning(partner), ...(await this.#foreignRealmWarning(partner))],
    };
  }

  /**
   * Fetches and parses a metadata document without trusting anything (the console shows it for review before
   * `create`): the same fetch rules as `create`, nothing stored.
   */
  async preview(input: {
    readonly metadataUrl: string;
    readonly allowInsecureHttp?: boolean;
    readonly metadataRedirects?: string;
  }): Promise<MetadataPreview> {
    const redirects = parseRedirectPolicy(input.metadataRedirects ?? 'same-origin');
    const parsed = await this.#refresher.load(input.metadataUrl, input.allowInsecureHttp ?? false, redirects);
    return {
      url: input.metadataUrl,
      serviceName: parsed.serviceName,
      realm: parsed.realm,
      issuer: parsed.issuer,
      keys: parsed.keys.map((k) => ({
        x5t: k.x5t,
        thumbprint: k.thumbprint,
        keyBits: k.keyBits,
        notBefore: k.notBefore.toISOString(),
        notAfter: k.notAfter.toISOString(),
      })),
      warnings: [...parsed.warnings],
    };
  }

  /** One partner, with its refresh status. */
  async get(identity: string): Promise<PartnerView> {
    const id = normalizePartnerIdentity(identity);
    const record = await readPartner(this.deps.store, id);
    if (!record)
      throw partnerError('ERR_PARTNER_NOT_FOUND', `no partner application named ${id}`, { identity: id });
    return this.#view(record.partner, record.version, await this.#period());
  }

  /** Every partner, ordered by identity. */
  async list(): Promise<PartnerView[]> {
    const period = await this.#period();
    return (await readPartners(this.deps.store)).map((r) => this.#view(r.partner, r.version, period));
  }

  /** Changes a partner; a new metadata URL is fetched now and must name the same service name and realm. */
  async update(
    identity: string,
    patch: PartnerPatch,
  ): Promise<{ partner: PartnerView; warnings: Warning[] }> {
    const { partner: old, version } = await this.get(identity);
    const allowInsecureHttp = patch.allowInsecureHttp ?? old.allowInsecureHttp;
    const metadataRedirects =
      patch.metadataRedirects === undefined
        ? (old.metadataRedirects ?? 'same-origin')
        : parseRedirectPolicy(patch.metadataRedirects);
    let next: PartnerApplication = {
      ...old,
      trustLevel: patch.trustLevel === undefined ? old.trustLevel : parseTrustLevel(patch.trustLevel),
      enabled: patch.enabled ?? old.enabled,
      acceptSecurityIdentifierInformation:
        patch.acceptSecurityIdentifierInformation ?? old.acceptSecurityIdentifierInformation,
      allowInsecureHttp,
      metadataRedirects,
      storageUrl:
        patch.storageUrl === undefined
          ? old.storageUrl
          : checkStorageUrl(patch.storageUrl, allowInsecureHttp),
    };
    const warnings: Warning[] = [];
    if (patch.metadataUrl !== undefined && patch.certificate !== undefined) throw sourceError();
    if (patch.metadataUrl !== undefined) {
      const parsed = await this.#refresher.load(patch.metadataUrl, allowInsecureHttp, metadataRedirects);
      assertSameIdentity(old, parsed);
      const at = this.deps.clock.now().toISOString();
      next = {
        ...next,
        ...fromMetadata(patch.metadataUrl, parsed),
        issuer: old.issuer ?? parsed.issuer,
        refresh: { lastSuccessAt: at, lastAttemptAt: at, lastError: null },
      };
      warnings.push(...parsed.warnings);
    } else if (patch.certificate !== undefined) {
      next = {
        ...next,
        source: 'certificate',
        useOAuthServer: null,
        metadataUrl: null,
        keys: [certificateKey(patch.certificate)],
        refresh: { lastSuccessAt: null, lastAttemptAt: null, lastError: null },
      };
    }
    await this.#write(next, version);
    const trustWidened = next.trustLevel === 'Full' && old.trustLevel !== 'Full';
    return {
      partner: await this.get(next.identity),
      warnings: [
        ...warnings,
        ...insecureWarning(next),
        ...(trustWidened ? await this.#foreignRealmWarning(next) : []),
      ],
    };
  }

  /** Removes a partner. */
  async remove(identity: string): Promise<void> {
    const { partner, version } = await this.get(identity);
    await this.deps.store.write(
      [{ op: 'delete', kind: PARTNER_KIND, key: partner.identity, expect: version }],
      this.#context(),
    );
  }

  /** Refreshes one partner's metadata now; a failure is recorded (last good keys kept) and thrown. */
  async refresh(identity: string): Promise<RefreshResult> {
    const res = await this.#refresher.refresh(normalizePartnerIdentity(identity));
    if (res.error)
      throw new S2sError(res.error.code, res.error.category, res.error.message, { identity: res.identity });
    return res;
  }

  /** Refreshes every enabled metadata partner now; failures are recorded and returned, not thrown. */
  async refreshAll(): Promise<RefreshResult[]> {
    const partners = (await readPartners(this.deps.store)).filter(
      (r) => r.partner.source === 'metadata' && r.partner.enabled,
    );
    return Promise.all(partners.map((r) => this.#refresher.refresh(r.partner.identity)));
  }

  /** For the token validator: an unknown `x5t` (given) or a signature failure; gated (de-duplicated per `x5t`, rate-limited), coalesced, never throws. */
  requestRefresh(identity: string, reason: RefreshReason, x5t: string | null = null): RefreshRequestStatus {
    try {
      return this.#refresher.requestRefresh(normalizePartnerIdentity(identity), reason, x5t);
    } catch {
      return 'not-applicable';
    }
  }

  /** Refreshes what is due now (one pass of the loop). */
  refreshDue(): Promise<RefreshResult[]> {
    return this.#refresher.refreshDue();
  }

  /** Waits for the metadata fetches in flight (on-demand and periodic); the server calls it when it stops. */
  settle(): Promise<void> {
    return this.#refresher.settle();
  }

  async #keySource(
    input: NewPartnerInput,
    allowInsecureHttp: boolean,
    metadataRedirects: MetadataRedirectPolicy,
  ) {
    if (input.useOAuthServer !== undefined) return this.#throughServer(input);
    const manual =
      input.applicationIdentifier !== undefined ||
      input.realm !== undefined ||
      input.certificate !== undefined;
    if ((input.metadataUrl === undefined) === !manual) throw sourceError();
    if (input.metadataUrl !== undefined) {
      const parsed = await this.#refresher.load(input.metadataUrl, allowInsecureHttp, metadataRedirects);
      return { source: fromMetadata(input.metadataUrl, parsed), warnings: [...parsed.warnings] };
    }
    if (
      input.applicationIdentifier === undefined ||
      input.realm === undefined ||
      input.certificate === undefined
    )
      throw sourceError();
    const source = {
      applicationIdentifier: normalizeApplicationIdentifier(input.applicationIdentifier),
      realm: normalizePartnerRealm(input.realm),
      issuer: null,
      source: 'certificate' as const,
      metadataUrl: null,
      keys: [certificateKey(input.certificate)],
    };
    return { source, warnings: [] as Warning[] };
  }

  /** A partner trusted through an OAuth server: its id, the server's tenant (or ours), no keys of its own. */
  async #throughServer(input: NewPartnerInput) {
    if (
      input.applicationIdentifier === undefined ||
      input.metadataUrl !== undefined ||
      input.certificate !== undefined
    ) {
      throw partnerError(
        'ERR_PARTNER_OAUTH_SERVER_NEEDS_ID',
        'a partner registered through an OAuth server takes --application-identifier (and optionally --realm), no metadata URL or certificate',
        {},
      );
    }
    const name = normalizePartnerIdentity(input.useOAuthServer!);
    const record = await readOAuthServer(this.deps.store, name);
    if (!record)
      throw partnerError('ERR_OAUTH_SERVER_NOT_FOUND', `no OAuth server named ${name}`, { identity: name });
    const ours = (await this.deps.ports.oauth.find())?.body.realm;
    const serverRealm = record.server.realm === '*' ? null : record.server.realm;
    const realm = normalizePartnerRealm(input.realm ?? serverRealm ?? ours ?? '');
    const source = {
      applicationIdentifier: normalizeApplicationIdentifier(input.applicationIdentifier),
      realm,
      issuer: null,
      source: 'oauth-server' as const,
      useOAuthServer: name,
      metadataUrl: null,
      keys: [],
    };
    return { source, warnings: [] as Warning[] };
  }

  /**
   * Full trust lets a partner act as any user of our realm (docs/protocol.md §4); for a partner of another
   * realm that is rarely meant, so registering it (or raising it to Full) is warned about
   * (docs/security.md "Full trust for another realm").
   */
  async #foreignRealmWarning(partner: PartnerApplication): Promise<Warning[]> {
    if (partner.trustLevel !== 'Full') return [];
    const ours = (await this.deps.ports.oauth.find())?.body.realm;
    if (ours === undefined || ours.toLowerCase() === partner.realm.toLowerCase()) return [];
    return [
      {
        code: 'WARN_PARTNER_FOREIGN_REALM_FULL_TRUST',
        message: `partner ${partner.identity} belongs to realm ${partner.realm}, not ours (${ours}), and has Full trust: it may act as any user of ${ours}`,
      },
    ];
  }

  /** Refuses our own issuer and an issuer another partner already stands for. */
  async #checkIssuer(partner: PartnerApplication): Promise<void> {
    const config = (await this.deps.ports.oauth.find())?.body;
    if (config && config.serviceName === partner.applicationIdentifier && config.realm === partner.realm) {
      throw partnerError(
        'ERR_PARTNER_IS_SELF',
        `partner ${partner.identity} names our own service name and realm (${config.serviceName}@${config.realm})`,
        { identity: partner.identity },
      );
    }
    const other = (await readPartners(this.deps.store)).find(
      (r) =>
        r.partner.identity !== partner.identity &&
        r.partner.applicationIdentifier === partner.applicationIdentifier &&
        r.partner.realm === partner.realm &&
        (r.partner.useOAuthServer ?? null) === (partner.useOAuthServer ?? null),
    );
    if (other) {
      throw partnerError(
        'ERR_PARTNER_ISSUER_IN_USE',
        `partner ${other.partner.identity} already stands for ${partner.applicationIdentifier}@${partner.realm}`,
        { identity: partner.identity, other: other.partner.identity },
      );
    }
  }

  async #write(partner: PartnerApplication, expect: number | 'absent'): Promise<void> {
    try {
      await this.deps.store.write(
        [{ op: 'put', kind: PARTNER_KIND, key: partner.identity, body: partner, expect }],
        this.#context(),
      );
    } catch (err) {
      if (expect === 'absent' && hasCode(err, 'ERR_STORE_CONFLICT')) {
        throw partnerError(
          'ERR_PARTNER_EXISTS',
          `a partner application named ${partner.identity} already exists`,
          { identity: partner.identity },
        );
      }
      throw err;
    }
  }

  #context() {
    return { actor: `service:partners@${this.deps.nodeName}` };
  }

  async #period(): Promise<number> {
    return (
      (await this.deps.ports.oauth.find())?.body.metadataRefreshSeconds ??
      OAUTH_DEFAULTS.metadataRefreshSeconds
    );
  }

  #view(partner: PartnerApplication, version: number, period: number): PartnerView {
    const now = this.deps.clock.now();
    const age = (iso: string | null | undefined) =>
      iso ? Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000)) : null;
    return {
      partner,
      version,
      status: {
        nextRefreshAt: nextRefreshAt(partner, period)?.toISOString() ?? null,
        lastSuccessAgeSeconds: age(partner.refresh.lastSuccessAt),
        lastErrorAgeSeconds: age(partner.refresh.lastError?.at),
      },
    };
  }
}

function fromMetadata(url: string, parsed: ParsedPartnerMetadata) {
  return {
    applicationIdentifier: parsed.serviceName,
    realm: parsed.realm,
    issuer: parsed.issuer,
    source: 'metadata' as const,
    useOAuthServer: null,
    metadataUrl: url,
    keys: parsed.keys.map((k) => ({ thumbprint: k.thumbprint, certificate: k.certificate })),
  };
}

function certificateKey(bytes: Buffer) {
  const cert = readCertificateFile(bytes);
  if (!cert)
    throw partnerError(
      'ERR_PARTNER_CERTIFICATE_INVALID',
      'the certificate file is not an X.509 certificate (DER, PEM or base64) with an RSA key',
      {},
    );
  if (cert.keyBits < MIN_PARTNER_RSA_BITS)
    throw partnerError(
      'ERR_PARTNER_CERTIFICATE_INVALID',
      `the certificate has a ${cert.keyBits}-bit RSA key; tokens need at least ${MIN_PARTNER_RSA_BITS} bits`,
      { keyBits: cert.keyBits },
    );
  return { thumbprint: cert.thumbprint, certificate: cert.certificate };
}

function sourceError(): S2sError {
  return partnerError(
    'ERR_PARTNER_SOURCE_INVALID',
    'give either a metadata URL, or an application identifier with a realm and a certificate file',
    {},
  );
}

function checkStorageUrl(url: string | null, allowInsecureHttp: boolean): string | null {
  if (url === null || url.trim() === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw sharedError('ERR_INVALID_INPUT', `storage URL "${url.slice(0, 200)}" is not an absolute URL`, {
      field: 'storageUrl',
    });
  }
  const okScheme = parsed.protocol === 'https:' || (allowInsecureHttp && parsed.protocol === 'http:');
  if (!okScheme || parsed.username !== '' || parsed.password !== '') {
    throw sharedError(
      'ERR_INVALID_INPUT',
      `storage URL ${parsed.host} must be https without user name or password`,
      { field: 'storageUrl' },
    );
  }
  return parsed.href.replace(/\/+$/, '');
}

function insecureWarning(partner: PartnerApplication): Warning[] {
  if (!partner.allowInsecureHttp || !partner.metadataUrl?.startsWith('http:')) return [];
  return [
    {
      code: 'WARN_METADATA_INSECURE_HTTP',
      message: `partner ${partner.identity} fetches its metadata over plain http: test hosts only`,
    },
  ];
}

/** `same-origin`, `public` or `any` (docs/security.md "Metadata redirects"). */
function parseRedirectPolicy(value: string): MetadataRedirectPolicy {
  const found = METADATA_REDIRECT_POLICIES.find((p) => p === value.trim().toLowerCase());
  if (found === undefined)
    throw sharedError('ERR_USAGE', `--metadata-redirects is ${METADATA_REDIRECT_POLICIES.join(', ')}`, {
      value: value.slice(0, 40),
    });
  return found;
}
