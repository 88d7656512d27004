/**
 * The HTTPS client the connectivity test talks to partners with: undici over TLS verified against the
 * system roots plus the deployment's trusted roots, refusing certificates the deployment's CA revoked
 * (src/services/outbound-trust.ts), with connect/read timeouts and a response size cap.
 */
import { isTlsTrustFailure } from '../../core/shared/tls-failure.ts';
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import type { DocumentStore } from '../../store/document-store.ts';
import { revocationAwareIdentityCheck } from '../../core/shared/revoked-certificates.ts';
import { outboundTrust } from '../outbound-trust.ts';

/** Timeouts and limits, each declared once with its unit. */
export const PARTNER_HTTP_LIMITS = {
  /** Milliseconds to establish TCP + TLS. */
  connectTimeoutMs: 5000,
  /** Milliseconds to wait for headers, and between body chunks. */
  readTimeoutMs: 10000,
  /** Bytes of response body read at most. */
  maxBodyBytes: 1024 * 1024,
} as const;

/** A response, its body read as text (capped). */
export interface PartnerResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/** Why a request produced no response. */
export interface TransportFailure {
  readonly kind: 'tls' | 'network';
  /** The OS/TLS error code (e.g. ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN). */
  readonly code: string;
  readonly message: string;
}

/** Sends requests to one partner; close() releases its connections. */
export class PartnerHttpsClient {
  readonly #agent: Agent;

  private constructor(agent: Agent) {
    this.#agent = agent;
  }

  /** A client trusting the system roots and the deployment's trusted roots as stored now, minus revoked certificates. */
  static async open(store: DocumentStore): Promise<PartnerHttpsClient> {
    const trust = await outboundTrust(store);
    const roots = trust.trustedRoots.map((der) => derToPem(der.toString('base64')));
    const agent = new Agent({
      connect: {
        ca: [...rootCertificates, ...roots],
        timeout: PARTNER_HTTP_LIMITS.connectTimeoutMs,
        checkServerIdentity: revocationAwareIdentityCheck(trust.revoked),
      },
      headersTimeout: PARTNER_HTTP_LIMITS.readTimeoutMs,
      bodyTimeout: PARTNER_HTTP_LIMITS.readTimeoutMs,
    });
    return new PartnerHttpsClient(agent);
  }

  /** One request; resolves a response or a transport failure, never throws for network conditions. */
  async send(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<PartnerResponse | TransportFailure> {
    try {
      const res = await request(url, {
        method,
        dispatcher: this.#agent,
        headers: body === undefined ? headers : { ...headers, 'content-type': contentType(body) },
        ...(body === undefined
          ? {}
          : { body: body instanceof URLSearchParams ? body.toString() : JSON.stringify(body) }),
        maxRedirections: 0,
      } as Parameters<typeof request>[1]);
      return { status: res.statusCode, headers: flatten(res.headers), text: await readCapped(res.body) };
    } catch (err) {
      return transportFailure(err);
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/** A form (an OAuth token request, RFC 6749 §4.4.2) or JSON (the storage API). */
function contentType(body: unknown): string {
  return body instanceof URLSearchParams ? 'application/x-www-form-urlencoded' : 'application/json';
}

/** True when a send() result is a transport failure. */
export function isTransportFailure(r: PartnerResponse | TransportFailure): r is TransportFailure {
  return 'kind' in r;
}

function transportFailure(err: unknown): TransportFailure {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.code ?? 'UNKNOWN';
  const message = (e.cause?.message ?? e.message ?? 'request failed').split('\n')[0] ?? 'request failed';
  return { kind: isTlsTrustFailure(code) ? 'tls' : 'network', code, message };
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > PARTNER_HTTP_LIMITS.maxBodyBytes) {
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function derToPem(b64: string): string {
  const lines = b64.replace(/\s+/g, '').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
