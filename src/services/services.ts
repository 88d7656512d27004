/** Every application service of a deployment. Adapters (CLI, HTTP, console) call these; they hold the use cases. */
import { OAUTH_SERVER_REFRESH_PREFIX } from '../core/tokens/index.ts';
import type { CaIssuerRequest, ServicePorts } from './service-ports.ts';
import type { OAuthService } from './oauth/oauth-service.ts';
import type { CertificateService } from './certificates/certificate-service.ts';
import type { PartnerService } from './partners/partner-service.ts';
import type { MetadataService } from './metadata/metadata-service.ts';
import type { TokenService } from './tokens/token-service.ts';
import type { StorageService } from './storage/storage-service.ts';
import type { CaService } from './ca/ca-service.ts';
import type { OAuthServerService } from './oauth-servers/oauth-server-service.ts';
import type { AdminService } from './admin/admin-service.ts';
import type { AuditLog } from './admin/audit-log.ts';
import type { RenewalService } from './renewal/renewal-service.ts';

export interface Services {
  readonly oauth: OAuthService;
  readonly certificates: CertificateService;
  readonly partners: PartnerService;
  readonly metadata: MetadataService;
  readonly tokens: TokenService;
  readonly storage: StorageService;
  readonly ca: CaService;
  readonly oauthServers: OAuthServerService;
  readonly admins: AdminService;
  readonly audit: AuditLog;
  readonly renewal: RenewalService;
}

/**
 * The ports of {@link ServicePorts}, bound late to `services` (which the caller fills in after building
 * the deps that hold these ports: the services refer to one another). Used by src/main/deployment.ts and
 * by tests that wire a subset; a port whose service is missing throws when called (the CA port is then
 * absent instead, see ServicePorts.caResponses).
 */
export function bindServicePorts(services: Partial<Services>): ServicePorts {
  const need = <K extends keyof Services>(name: K): Services[K] => {
    const service = services[name];
    if (!service) throw new Error(`service ${name} is not wired`);
    return service;
  };
  return {
    oauth: { find: () => need('oauth').find(), get: () => need('oauth').get() },
    signingMaterial: {
      signingMaterial: (usage, identity) => need('certificates').signingMaterial(usage, identity),
    },
    partnerRefresh: {
      // An OAuth server's keys are named `oauth-server:<identity>` by the validator (docs/hybrid.md).
      requestRefresh: (identity, reason, x5t) =>
        identity.startsWith(OAUTH_SERVER_REFRESH_PREFIX)
          ? need('oauthServers').requestRefresh(identity.slice(OAUTH_SERVER_REFRESH_PREFIX.length), x5t)
          : need('partners').requestRefresh(identity, reason, x5t),
    },
    get caResponses() {
      const ca = services.ca;
      return ca
        ? { importResponse: (input: { certificates: Buffer[] }) => ca.importResponse(input) }
        : undefined;
    },
    get caIssuer() {
      const ca = services.ca;
      return ca
        ? {
            submitCsr: ({ target, ...request }: CaIssuerRequest) => ca.submitCsr(target, request),
          }
        : undefined;
    },
    tokenIssuer: { issue: (request) => need('tokens').issue(request) },
  };
}
