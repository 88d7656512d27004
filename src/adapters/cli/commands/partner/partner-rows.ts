/** How partner applications print (Format-List names as Get-CsPartnerApplication shows them; docs/protocol.md §5.1). */
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import type { Warning } from '../../../../core/index.ts';
import type { PartnerView } from '../../../../services/index.ts';
import type { Printer } from '../../printer.ts';
import { formatList } from '../../printer.ts';

/** Format-List rows of one partner, with the refresh state and the age of its last error. */
export function partnerRows(view: PartnerView): Record<string, unknown> {
  const p = view.partner;
  const s = view.status;
  return {
    Identity: p.identity,
    ApplicationIdentifier: p.applicationIdentifier,
    Realm: p.realm,
    Issuer: p.issuer ?? '',
    ApplicationTrustLevel: p.trustLevel,
    Enabled: p.enabled,
    AcceptSecurityIdentifierInformation: p.acceptSecurityIdentifierInformation,
    UseOAuthServer: p.useOAuthServer ?? '',
    MetadataUrl: p.metadataUrl ?? '',
    AllowInsecureHttp: p.allowInsecureHttp,
    MetadataRedirects: p.metadataRedirects ?? 'same-origin',
    StorageUrl: p.storageUrl ?? '',
    Certificates: p.keys.map((k) => k.thumbprint),
    LastRefresh: p.refresh.lastSuccessAt
      ? `${p.refresh.lastSuccessAt} (${formatAge(s.lastSuccessAgeSeconds)} ago)`
      : '',
    LastError: p.refresh.lastError
      ? `${p.refresh.lastError.code}: ${p.refresh.lastError.message} (${formatAge(s.lastErrorAgeSeconds)} ago)`
      : '',
    NextRefresh: s.nextRefreshAt ?? '',
  };
}

/** `90` → `1m 30s`; `7260` → `2h 1m`; `200000` → `2d 7h`. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return '?';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** Commander parser for `true|false` option values (a bare flag means true). */
export function parseBoolean(value: string | boolean | undefined, flag: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '$true' || v === 'yes' || v === '1') return true;
  if (v === 'false' || v === '$false' || v === 'no' || v === '0') return false;
  throw sharedError('ERR_USAGE', `${flag} takes true or false, not "${value.slice(0, 20)}"`, { flag });
}

/** The flags `partner new` and `partner set` share, as the service takes them. */
export interface SharedPartnerFlags {
  acceptSecurityIdentifierInformation?: string | boolean;
  enabled?: string;
  allowInsecureHttp?: string | boolean;
  metadataRedirects?: string;
}

/** Parses the shared boolean flags (each names itself in its error). */
export function sharedPartnerInput(opts: SharedPartnerFlags) {
  return {
    acceptSecurityIdentifierInformation: parseBoolean(
      opts.acceptSecurityIdentifierInformation,
      '--accept-security-identifier-information',
    ),
    enabled: parseBoolean(opts.enabled, '--enabled'),
    allowInsecureHttp: parseBoolean(opts.allowInsecureHttp, '--allow-insecure-http'),
    metadataRedirects: opts.metadataRedirects,
  };
}

/** Prints a created or changed partner: its warnings, then the Format-List rows (or JSON). */
export function printPartner(
  printer: Printer,
  result: { partner: PartnerView; warnings: readonly Warning[] },
): void {
  printer.warnAll(result.warnings);
  printer.result({ partner: result.partner.partner, status: result.partner.status }, () =>
    formatList(partnerRows(result.partner)),
  );
}
