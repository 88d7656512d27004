/** Certificate usages (Skype `-Type` values) and their scope rules (protocol.md §5.4; product.md §2). */

/** The usages s2s acts on. */
export const CERTIFICATE_USAGES = ['Default', 'WebServicesInternal', 'WebServicesExternal', 'OAuthTokenIssuer'] as const;
export type CertificateUsage = (typeof CERTIFICATE_USAGES)[number];

/** Other Skype certificate type names, accepted as labels (assignable, but s2s does not use them). */
export const LABEL_USAGES = [
  'AccessEdgeExternal',
  'AudioVideoAuthentication',
  'DataEdgeExternal',
  'External',
  'Internal',
  'iPhoneAPNService',
  'iPadAPNService',
  'LogRetentionService',
  'MPNService',
  'PICWebService',
  'ProvisionService',
  'SMPDNSWebService',
  'TenantAdmin',
  'UpgradeEngineService',
  'WsFedTokenTransfer',
  'XMPPServer',
] as const;
export type LabelUsage = (typeof LABEL_USAGES)[number];
export type AnyUsage = CertificateUsage | LabelUsage;

/** `global` (Central Management Store scope, replicated everywhere) or a node FQDN (local computer). */
export type CertificateIdentity = 'global' | string;
export const GLOBAL_IDENTITY = 'global';
