/**
 * The s2s library's public surface (docs/library.md): open a deployment and use its services, the domain
 * types their calls take and return, the error family, and the metadata builders. Everything else under
 * src/ is internal. Importing this module loads no database driver: a store's driver is loaded when the
 * deployment opens it. The HTTP middleware is the separate entry `s2s/middleware`.
 */

// A deployment and how it is configured.
export { openDeployment } from './main/deployment.ts';
export type { Deployment, DeploymentOptions } from './main/deployment.ts';
export { resolveNodeConfig } from './config/node-config.ts';
export type { NodeConfig, NodeConfigFlags } from './config/node-config.ts';

// The services of a deployment (`deployment.services`) and what their calls take and return.
export type { Services } from './services/services.ts';
export type { OAuthService, OAuthConfigurationPatch } from './services/oauth/oauth-service.ts';
export type {
  CertificateService,
  AssignOptions,
  ImportCertificateRequest,
  ImportCertificateResult,
  CertificateAssignmentView,
  CertificateListEntry,
} from './services/certificates/certificate-service.ts';
export type {
  PartnerService,
  PartnerView,
  NewPartnerInput,
  PartnerPatch,
  RefreshReason,
  RefreshResult,
} from './services/partners/partner-service.ts';
export type {
  TokenService,
  IssueRequest,
  IssueUser,
  IssuedToken,
  ValidateRequest,
} from './services/tokens/token-service.ts';
export type { StorageService, StorageAccess } from './services/storage/storage-service.ts';
export type {
  CaService,
  CertificateRequestOptions,
  RequestOutcome,
  ImportResponseInput,
  ImportResponseResult,
} from './services/ca/ca-service.ts';

// Domain types.
export type { OAuthConfiguration } from './core/oauth/oauth-configuration.ts';
export type { PartnerApplication, TrustLevel } from './core/partners/partner-application.ts';
export { TRUST_LEVELS } from './core/partners/partner-application.ts';
export type { CertificateUsage } from './core/certificates/certificate-usage.ts';
export { CERTIFICATE_USAGES } from './core/certificates/certificate-usage.ts';
export type { SigningMaterial, SigningMaterialEntry } from './core/certificates/signing-material.ts';
export type {
  ActingUserClaims,
  S2sPrincipal,
  S2sRefusal,
  ValidationOutcome,
} from './core/tokens/validation-outcome.ts';
export type { Warning } from './core/shared/warning.ts';
export { PRINCIPAL_IDS } from './core/shared/principals.ts';
export { ManualClock, systemClock } from './core/shared/clock.ts';
export type { Clock } from './core/shared/clock.ts';

// Errors: every refusal is an S2sError with a stable code (docs/errors.md).
export { S2sError, hasCode } from './core/shared/errors.ts';
export type { ErrorCategory } from './core/shared/errors.ts';
export { ALL_ERRORS, ALL_WARNINGS } from './core/error-catalog.ts';

// Metadata builders and the partner-document reader (docs/protocol.md §1), for services that publish or
// read metadata themselves.
export { buildMetadataDocument, issuerOf } from './core/metadata/metadata-document.ts';
export { buildOpenIdConfiguration, buildJwks } from './core/metadata/openid-configuration.ts';
export { parseAuthMetadataDocument } from './core/metadata/partner-metadata.ts';
