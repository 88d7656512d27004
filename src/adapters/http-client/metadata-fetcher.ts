/**
 * Fetches partner metadata over https with the limits safety needs (docs/metadata.md; docs/protocol.md §1.3):
 * TLS verified against the system roots plus the deployment's trusted roots, refusing any certificate the
 * deployment's CA revoked (docs/security.md "Built-in CA and outbound trust"), connect and read timeouts,
 * an overall deadline, a response size cap enforced while streaming, a redirect cap, no https→http
 * downgrade, and redirects only within the registered origin unless the partner allows more (never to a
 * non-public address under `public`; docs/security.md "Metadata redirects"). Plain http only with the partner's explicit opt-in. Any content type is accepted (Exchange
 * and SharePoint serve the JSON with varying types).
 */
import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { partnerError } from '../../core/partners/partner-errors.ts';
import type { MetadataRedirectPolicy } from '../../core/index.ts';
import type {
  DocumentFetcher,
  FetchedDocument,
  FetchPolicy,
} from '../../services/partners/document-fetcher.ts';
import { transportError } from './fetch-failure.ts';
import { revocationAwareIdentityCheck, revokedSetKey } from '../../core/shared/revoked-certificates.ts';
import { addressesOf, isPublicAddress, publicOnlyLookup } from './public-address.ts';

/** Limits of {@link MetadataFetcher}; every default declared once, with its unit. */
export interface MetadataFetcherOptions {
  /** TCP + TLS connect timeout, ms. */
  readonly connectTimeoutMs?: number;
  /** Inactivity timeout while waiting for headers or body bytes, ms. */
  readonly readTimeoutMs?: number;
  /** Deadline for the whole fetch including redirects, ms. */
  readonly totalTimeoutMs?: number;
  /** Largest accepted body, bytes. */
  readonly maxBytes?: number;
  /** Most redirects followed. */
  readonly maxRedirects?: number;
}

export const METADATA_FETCH_DEFAULTS = {
  connectTimeoutMs: 5_000,
  readTimeoutMs: 10_000,
  totalTimeoutMs: 20_000,
  maxBytes: 256 * 1024,
  maxRedirects: 3,
} as const;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The undici-based {@link DocumentFetcher}. */
export class MetadataFetcher implements DocumentFetcher {
  readonly #limits: Required<MetadataFetcherOptions>;
  /** One agent per trusted-root set and revocation set, so a root added or a certificate revoked takes effect at the next fetch. */
  readonly #agents = new Map<string, Agent>();

  constructor(options: MetadataFetcherOptions = {}) {
    this.#limits = { ...METADATA_FETCH_DEFAULTS, ...options };
  }

  async fetch(url: string, policy: FetchPolicy): Promise<FetchedDocument> {
    let current = checkUrl(url, policy.allowInsecureHttp, url);
    const origin = current.origin;
    let dispatcher = this.#agentFor(policy, false);
    const signal = AbortSignal.timeout(this.#limits.totalTimeoutMs);
    for (let hop = 0; ; hop++) {
      const response = await this.#send(current, dispatcher, signal);
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode) && typeof location === 'string') {
        await response.body.dump();
        if (hop >= this.#limits.maxRedirects) {
          throw partnerError(
            'ERR_METADATA_TOO_MANY_REDIRECTS',
            `${url} redirected more than ${this.#limits.maxRedirects} times`,
            { url },
          );
        }
        current = nextHop(current, location, policy.allowInsecureHttp, url);
        const offOrigin = await checkRedirectTarget(current, origin, policy.redirects ?? 'same-origin', url);
        // Off-origin hops under `public` connect through a lookup that refuses non-public answers (rebinding).
        if (offOrigin && policy.redirects === 'public') dispatcher = this.#agentFor(policy, true);
        continue;
      }
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw partnerError(
          'ERR_METADATA_HTTP_STATUS',
          `${current.href} answered HTTP ${response.statusCode}`,
          { url: current.href, status: response.statusCode },
        );
      }
      return { url: current.href, text: await this.#readBody(response, current.href, signal) };
    }
  }

  async close(): Promise<void> {
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    await Promise.all(agents.map((a) => a.close()));
  }

  async #send(url: URL, dispatcher: Dispatcher, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    try {
      return await request(url, {
        method: 'GET',
        dispatcher,
        signal,
        headers: { accept: 'application/json, */*;q=0.5', 'user-agent': 's2s-metadata-fetcher' },
        headersTimeout: this.#limits.readTimeoutMs,
        bodyTimeout: this.#limits.readTimeoutMs,
      });
    } catch (err) {
      throw transportError(err, url.href, signal.aborted);
    }
  }

  /** Reads the body, refusing it as soon as it passes the cap (a declared length over the cap is refused at once). */
  async #readBody(response: Dispatcher.ResponseData, url: string, signal: AbortSignal): Promise<string> {
    const max = this.#limits.maxBytes;
    const tooLarge = () =>
      partnerError('ERR_METADATA_TOO_LARGE', `the document at ${url} is larger than ${max} bytes`, {
        url,
        maxBytes: max,
      });
    if (Number(response.headers['content-length'] ?? 0) > max) {
      discard(response.body);
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > max) {
          discard(response.body);
          throw tooLarge();
        }
        chunks.push(chunk);
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_METADATA_TOO_LARGE') throw err;
      throw transportError(err, url, signal.aborted);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  #agentFor(policy: FetchPolicy, publicOnly: boolean): Agent {
    const roots = policy.trustedRoots;
    const revoked = policy.revoked ?? new Set<string>();
    const key = `${publicOnly ? 'public' : 'any'}:${createHash('sha256')
      .update(Buffer.concat([...roots].sort((x, y) => Buffer.compare(x, y))))
      .digest('hex')}:${revokedSetKey(revoked)}`;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      agent = new Agent({
        connect: {
          ca: [...rootCertificates, ...roots.map(toPem)],
          timeout: this.#limits.connectTimeoutMs,
          rejectUnauthorized: true,
          checkServerIdentity: revocationAwareIdentityCheck(revoked),
          ...(publicOnly ? { lookup: publicOnlyLookup } : {}),
        },
        headersTimeout: this.#limits.readTimeoutMs,
        bodyTimeout: this.#limits.readTimeoutMs,
      });
      this.#agents.set(key, agent);
    }
    return agent;
  }
}

/** Accepts https, and http only with the opt-in; never user info (it would end up in messages and logs). */
function checkUrl(raw: string, allowInsecureHttp: boolean, original: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw partnerError('ERR_METADATA_URL_INVALID', `"${raw.slice(0, 200)}" is not an absolute URL`, {});
  }
  if (url.username !== '' || url.password !== '' || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw partnerError(
      'ERR_METADATA_URL_INVALID',
      `${url.protocol}//${url.host}${url.pathname} must be an https URL without user name or password`,
      {},
    );
  }
  if (url.protocol === 'http:' && !allowInsecureHttp) {
    throw partnerError(
      'ERR_METADATA_INSECURE_URL',
      `${url.href} uses plain http (reached from ${original}) and insecure http is not allowed for this partner`,
      { url: url.href },
    );
  }
  return url;
}

/** The next URL of a redirect chain; https→http is a downgrade and is refused even with the opt-in. */
function nextHop(from: URL, location: string, allowInsecureHttp: boolean, original: string): URL {
  const to = checkUrl(new URL(location, from).href, allowInsecureHttp, original);
  if (from.protocol === 'https:' && to.protocol === 'http:') {
    throw partnerError(
      'ERR_METADATA_INSECURE_URL',
      `${from.href} redirected to plain http ${to.href}: downgrade refused`,
      { url: from.href, location: to.href },
    );
  }
  return to;
}

/**
 * The redirect policy (docs/security.md "Metadata redirects"): within the registered URL's origin always;
 * elsewhere only with `public` (every address of the target public) or `any`. True when off-origin.
 */
async function checkRedirectTarget(
  to: URL,
  origin: string,
  policy: MetadataRedirectPolicy,
  original: string,
): Promise<boolean> {
  if (to.origin === origin) return false;
  if (policy === 'any') return true;
  const refuse = (why: string) =>
    partnerError(
      'ERR_METADATA_REDIRECT_REFUSED',
      `${original} redirected to ${to.protocol}//${to.host}${to.pathname}: ${why}`,
      { url: original, location: `${to.protocol}//${to.host}${to.pathname}`, policy },
    );
  if (policy === 'same-origin')
    throw refuse('another origin (allow it with partner set --metadata-redirects public)');
  let addresses: string[];
  try {
    addresses = await addressesOf(to.hostname);
  } catch (err) {
    throw transportError(err, to.href, false);
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress))
    throw refuse('a non-public address (loopback, link-local, private or reserved)');
  return true;
}

/** Drops a body we refuse without leaving an unhandled 'error' event behind. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

function toPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
