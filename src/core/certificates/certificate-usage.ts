/** Certificate usages (Skype `-Type` values) and their scope rules (docs/protocol.md §5.4; docs/protocol.md §5.4). */

/** The usages s2s acts on. */
export const CERTIFICATE_USAGES = [
  'Default',
  'WebServicesInternal',
  'WebServicesExternal',
  'OAuthTokenIssuer',
] as const;
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
export type CertificateIdentity = string;
export const GLOBAL_IDENTITY = 'global';

/** Usages whose certificate signs or serves TLS, so it must come with its private key. */
export const SIGNING_USAGES: ReadonlySet<AnyUsage> = new Set<AnyUsage>(CERTIFICATE_USAGES);
/** Usages that need a key of at least 2048 bits (docs/protocol.md §5.4; docs/protocol.md §5.4). */
export const STRONG_KEY_USAGES: ReadonlySet<AnyUsage> = new Set<AnyUsage>([
  'OAuthTokenIssuer',
  'WebServicesInternal',
  'WebServicesExternal',
]);
/** Usages that exist only at global scope (the same certificate on every server). */
export const GLOBAL_ONLY_USAGES: ReadonlySet<AnyUsage> = new Set<AnyUsage>(['OAuthTokenIssuer']);

const ALL_USAGES: readonly AnyUsage[] = [...CERTIFICATE_USAGES, ...LABEL_USAGES];
const FQDN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Canonical usage for a name, case-insensitive (as PowerShell matches -Type), or undefined. */
export function usageNamed(name: string): AnyUsage | undefined {
  const wanted = name.trim().toLowerCase();
  return ALL_USAGES.find((u) => u.toLowerCase() === wanted);
}

/** Whether `identity` is `global` or a lower-case FQDN. */
export function isCertificateIdentity(identity: string): boolean {
  return identity === GLOBAL_IDENTITY || FQDN.test(identity);
}
