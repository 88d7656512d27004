/** How OAuth servers print (Format-List names as Get-CsOAuthServer shows them; docs/protocol.md §5.3). */
import type { Warning } from '../../../../core/index.ts';
import type { OAuthServerView } from '../../../../services/index.ts';
import type { Printer } from '../../printer.ts';
import { formatList } from '../../printer.ts';
import { formatAge } from '../partner/partner-rows.ts';

/** Format-List rows of one server, with its partners and refresh state. */
export function serverRows(view: OAuthServerView): Record<string, unknown> {
  const s = view.server;
  const st = view.status;
  return {
    Identity: s.identity,
    Type: s.type,
    MetadataUrl: s.metadataUrl,
    Realm: s.realm,
    Issuer: s.type === 'acs' ? `${s.issuer}@${s.realm}` : s.issuer,
    TokenEndpoint: s.tokenEndpoint,
    AllowInsecureHttp: s.allowInsecureHttp,
    MetadataRedirects: s.metadataRedirects,
    Certificates: s.keys.map((k) => k.thumbprint),
    PartnerApplications: view.partners,
    LastRefresh: s.refresh.lastSuccessAt
      ? `${s.refresh.lastSuccessAt} (${formatAge(st.lastSuccessAgeSeconds)} ago)`
      : '',
    LastError: s.refresh.lastError
      ? `${s.refresh.lastError.code}: ${s.refresh.lastError.message} (${formatAge(st.lastErrorAgeSeconds)} ago)`
      : '',
    NextRefresh: st.nextRefreshAt ?? '',
  };
}

/** The JSON form of one server. */
export function serverJson(view: OAuthServerView): Record<string, unknown> {
  return { ...view.server, partners: view.partners, status: view.status };
}

/** Prints a created or changed server: its warnings, then the rows (or JSON). */
export function printServer(
  printer: Printer,
  result: { server: OAuthServerView; warnings: readonly Warning[] },
): void {
  printer.warnAll(result.warnings);
  printer.result({ oauthServer: serverJson(result.server) }, () => formatList(serverRows(result.server)));
}
