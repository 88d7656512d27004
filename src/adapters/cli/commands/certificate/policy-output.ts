/** Human rendering of renewal policies (Format-List style, like the cmdlets). */
import type { RenewalPolicyView } from '../../../../services/index.ts';
import { formatList } from '../../printer.ts';

/** Durations as an administrator types them: whole days, else hours, else seconds. */
export function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${seconds}s`;
}

export function renderPolicies(policies: readonly RenewalPolicyView[]): string {
  return policies
    .map((p) =>
      formatList({
        Type: p.usage,
        Ca: p.ca,
        RenewBefore: formatDuration(p.renewBeforeSeconds),
        RollLead: formatDuration(p.rollLeadSeconds),
        Template: p.template,
        CaAccount: p.caAccount,
        CaPasswordStored: p.hasCaPassword,
        AcmeEmail: p.acmeEmail,
        UpdatedAt: p.updatedAt,
      }),
    )
    .join('\n\n');
}
