/** Human renderings shared by the certificate commands (Format-List style, like the cmdlets). */
import type { CertificateAssignmentView, CertificateListEntry } from '../../../../services/index.ts';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { formatList } from '../../printer.ts';

/** Get-CsCertificate style blocks, one per usage. */
export function renderAssignments(views: readonly CertificateAssignmentView[]): string {
  if (views.length === 0) return 'no certificate is assigned';
  return views.map((v) => formatList({ ...v })).join('\n\n');
}

/** One line per certificate. */
export function renderCertificates(entries: readonly CertificateListEntry[]): string {
  if (entries.length === 0) return 'no certificates';
  return entries
    .map((e) =>
      formatList({
        Thumbprint: e.thumbprint,
        Subject: e.subject,
        Issuer: e.issuer,
        NotAfter: e.notAfter,
        KeySize: e.keySize,
        FriendlyName: e.friendlyName,
        HasPrivateKey: e.hasPrivateKey,
        Exportable: e.exportable,
        AssignedTo: e.assignedTo,
      }),
    )
    .join('\n\n');
}

/** Parses `--effective-date` (ISO 8601 with a date; a zone-less time is read as UTC, as docs/protocol.md §7 warns regional parsing misleads). */
export function parseEffectiveDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const withZone = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
  const date = new Date(withZone);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw sharedError(
      'ERR_INVALID_INPUT',
      `--effective-date ${JSON.stringify(text)} is not an ISO 8601 date such as 2030-01-31T12:00:00Z`,
    );
  }
  return date;
}

/** Splits `--type a,b`. */
export function splitTypes(text: string | undefined): string[] {
  return text === undefined
    ? []
    : text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
}
