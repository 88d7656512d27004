/** Every application service of a deployment. Adapters (CLI, HTTP, console) call these; they hold the use cases. */
import type { OAuthService } from './oauth/oauth-service.ts';
import type { CertificateService } from './certificates/certificate-service.ts';
import type { PartnerService } from './partners/partner-service.ts';
import type { TokenService } from './tokens/token-service.ts';
import type { StorageService } from './storage/storage-service.ts';
import type { CaService } from './ca/ca-service.ts';

export interface Services {
  readonly oauth: OAuthService;
  readonly certificates: CertificateService;
  readonly partners: PartnerService;
  readonly tokens: TokenService;
  readonly storage: StorageService;
  readonly ca: CaService;
}
