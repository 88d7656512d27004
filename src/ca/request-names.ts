/**
 * Subject and subject alternative names of a request, computed from the deployment for review
 * (docs/ca.md, request step 6; docs/protocol.md §5.4 Request-CsCertificate derives them from the topology).
 * Pure: the service passes in the pool FQDN, the node FQDN and the SIP domains.
 */

/** The deployment facts and choices the names depend on. */
export interface RequestNameInput {
  readonly usages: readonly string[];
  /** The pool's FQDN (the first host name partners address us by; the node FQDN on a one-server pool). */
  readonly poolFqdn: string;
  readonly nodeFqdn: string;
  /** The OAuth realm: the primary SIP domain (docs/protocol.md §3). */
  readonly realm: string;
  /** SIP domains named with --sip-domain. */
  readonly sipDomains: readonly string[];
  /** --all-sip-domains: the realm and every named SIP domain, not only the primary one. */
  readonly allSipDomains: boolean;
  /** --domain-name: additional SANs (e.g. SIP domains planned for later). */
  readonly additionalNames: readonly string[];
  readonly organization?: string | undefined;
  readonly organizationalUnit?: string | undefined;
  readonly city?: string | undefined;
  readonly state?: string | undefined;
  readonly country?: string | undefined;
}

export interface RequestNames {
  /** RFC 4514 distinguished name. */
  readonly subject: string;
  readonly dnsNames: readonly string[];
}

/** The SIP domains a request covers: every one with --all-sip-domains, otherwise the primary one. */
export function includedSipDomains(
  input: Pick<RequestNameInput, 'realm' | 'sipDomains' | 'allSipDomains'>,
): string[] {
  const named = input.sipDomains.map(lower);
  if (input.allSipDomains) return unique([lower(input.realm), ...named]);
  return [named[0] ?? lower(input.realm)];
}

/**
 * Names each usage needs. OAuthTokenIssuer: the SIP domain(s) — its Subject must contain the SIP domain
 * (docs/protocol.md §5.4). Default: pool and node FQDNs plus `sip.<domain>` (client sign-in). Internal web services:
 * pool, node and `lyncdiscoverinternal.<domain>`; external: pool plus `lyncdiscover.`, `meet.`, `dialin.`.
 */
export function namesForUsage(usage: string, input: RequestNameInput): string[] {
  const pool = lower(input.poolFqdn);
  const node = lower(input.nodeFqdn);
  const sip = includedSipDomains(input);
  switch (usage) {
    case 'OAuthTokenIssuer':
      return sip;
    case 'Default':
      return [pool, node, ...sip.map((d) => `sip.${d}`)];
    case 'WebServicesInternal':
      return [pool, node, ...sip.map((d) => `lyncdiscoverinternal.${d}`)];
    case 'WebServicesExternal':
      return [pool, ...sip.flatMap((d) => [`lyncdiscover.${d}`, `meet.${d}`, `dialin.${d}`])];
    default:
      return [pool, node];
  }
}

/** Computes the subject and SANs of a request. */
export function computeRequestNames(input: RequestNameInput): RequestNames {
  const dnsNames = unique([
    ...input.usages.flatMap((u) => namesForUsage(u, input)),
    ...input.additionalNames.map(lower),
  ]);
  const onlyIssuer = input.usages.length > 0 && input.usages.every((u) => u === 'OAuthTokenIssuer');
  const commonName = onlyIssuer ? includedSipDomains(input)[0]! : lower(input.poolFqdn);
  const parts: Array<[string, string | undefined]> = [
    ['CN', commonName],
    ['OU', input.organizationalUnit],
    ['O', input.organization],
    ['L', input.city],
    ['ST', input.state],
    ['C', input.country?.toUpperCase()],
  ];
  const subject = parts
    .filter((p): p is [string, string] => p[1] !== undefined && p[1].trim() !== '')
    .map(([k, v]) => `${k}=${escapeDnValue(v.trim())}`)
    .join(', ');
  return { subject, dnsNames };
}

/** Escapes an attribute value for an RFC 4514 string. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

function lower(s: string): string {
  return s.trim().toLowerCase().replace(/:\d+$/, '');
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names.filter((n) => n !== ''))];
}
