/**
 * The review step of a request (docs/ca.md, request steps 1–6): everything decided before a key is generated —
 * subject and SANs from the deployment, key rules per usage, friendly name, where the request goes.
 */
import { CERTIFICATE_USAGES, LABEL_USAGES, sharedError } from '../../core/index.ts';
import {
  DEFAULT_REQUEST_KEY_SIZE,
  WEB_SERVER_TEMPLATE,
  checkKeyForUsages,
  computeRequestNames,
  parseCaTarget,
} from '../../ca/index.ts';
import type { CaTarget, KeyAlgorithm, KeySpec } from '../../ca/index.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { CaAuthority } from './ca-authority.ts';

/** What `certificate request` was asked (flags of Request-CsCertificate -New). */
export interface CertificateRequestOptions {
  readonly usages: readonly string[];
  /** `internal`, an enrollment URL, or `acme+https://…/dir`; absent for an offline request. */
  readonly ca?: string | undefined;
  readonly caAccount?: string | undefined;
  readonly caPassword?: string | undefined;
  readonly template?: string | undefined;
  readonly friendlyName?: string | undefined;
  readonly keySize?: number | undefined;
  readonly keyAlgorithm?: KeyAlgorithm | undefined;
  readonly exportable?: boolean | undefined;
  readonly organization?: string | undefined;
  readonly organizationalUnit?: string | undefined;
  readonly city?: string | undefined;
  readonly state?: string | undefined;
  readonly country?: string | undefined;
  readonly sipDomains?: readonly string[] | undefined;
  readonly allSipDomains?: boolean | undefined;
  readonly domainNames?: readonly string[] | undefined;
  /** --computer-fqdn: the node FQDN to name (default: this node). */
  readonly computerFqdn?: string | undefined;
  /** Assign once installed (default true; false with --no-assign). */
  readonly assign?: boolean | undefined;
  /** Contact address for an ACME account. */
  readonly acmeEmail?: string | undefined;
}

/** A reviewed request, ready to run. */
export interface RequestPlan {
  readonly usages: readonly string[];
  readonly subject: string;
  readonly dnsNames: readonly string[];
  readonly key: KeySpec;
  readonly exportable: boolean;
  readonly friendlyName: string;
  readonly assign: boolean;
  /** `offline`, `internal`, an enrollment URL or an ACME directory. */
  readonly target: CaTarget;
  readonly template: string;
  readonly caAccount: string | undefined;
  readonly caPassword: string | undefined;
  readonly acmeEmail: string | undefined;
}

const KNOWN_USAGES = new Set<string>([...CERTIFICATE_USAGES, ...LABEL_USAGES]);

/** Builds the plan; refuses bad usages, key rules (ERR_CA_KEY_*) and unknown templates before any key exists. */
export async function planRequest(
  deps: ServiceDeps,
  authority: CaAuthority,
  options: CertificateRequestOptions,
): Promise<RequestPlan> {
  const usages = [...new Set(options.usages)];
  if (usages.length === 0)
    throw sharedError('ERR_USAGE', 'name at least one usage with --type (e.g. --type OAuthTokenIssuer)');
  const unknown = usages.filter((u) => !KNOWN_USAGES.has(u));
  if (unknown.length > 0)
    throw sharedError('ERR_INVALID_INPUT', `unknown certificate type ${unknown.join(', ')}`, {
      field: 'type',
    });
  const key: KeySpec = {
    algorithm: options.keyAlgorithm ?? 'RSA',
    size: options.keyAlgorithm === 'ECDSA_P256' ? 256 : (options.keySize ?? DEFAULT_REQUEST_KEY_SIZE),
  };
  checkKeyForUsages(key, usages);
  const target = parseCaTarget(options.ca);
  const template = options.template ?? WEB_SERVER_TEMPLATE.name;
  if (target.kind === 'internal') await authority.template(template);
  const names = computeRequestNames({
    usages,
    ...(await deploymentNames(deps, options)),
    additionalNames: options.domainNames ?? [],
    allSipDomains: options.allSipDomains ?? false,
    organization: options.organization,
    organizationalUnit: options.organizationalUnit,
    city: options.city,
    state: options.state,
    country: options.country,
  });
  const friendlyName =
    options.friendlyName?.trim() ||
    defaultFriendlyName(usages, names.dnsNames[0] ?? names.subject, deps.clock.now());
  return {
    usages,
    subject: names.subject,
    dnsNames: names.dnsNames,
    key,
    exportable: options.exportable ?? false,
    friendlyName,
    assign: options.assign ?? true,
    target,
    template,
    caAccount: options.caAccount,
    caPassword: options.caPassword,
    acmeEmail: options.acmeEmail,
  };
}

/** Pool FQDN (first OAuth host name, without port; else this node), node FQDN and realm. */
async function deploymentNames(deps: ServiceDeps, options: CertificateRequestOptions) {
  const config = await deps.ports.oauth.find();
  const sipDomains = options.sipDomains ?? [];
  const realm = config?.body.realm ?? sipDomains[0];
  if (realm === undefined)
    throw sharedError(
      'ERR_NOT_INITIALIZED',
      'the store is not initialized: run `s2s init --realm <sip domain>` or name --sip-domain',
    );
  const nodeFqdn = options.computerFqdn ?? deps.nodeName;
  const poolFqdn = config?.body.hostNames[0]?.replace(/:\d+$/, '') ?? nodeFqdn;
  return { poolFqdn, nodeFqdn, realm, sipDomains };
}

/** A friendly name when none is given: usages, first name and date (docs/ca.md, request step 4). */
export function defaultFriendlyName(usages: readonly string[], name: string, now: Date): string {
  return `${usages.join('+')} ${name} ${now.toISOString().slice(0, 10)}`;
}
