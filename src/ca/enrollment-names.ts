/**
 * Name constraints of online enrollment (docs/ca.md "Name constraints"; docs/security.md §6.5): what an
 * enrollment account may have certified through a template. Pure: the request's names, the template
 * and the account's allowed names in, a refusal out.
 *
 * - No wildcard (`*`) in a DNS name or the subject CN unless the template has `allowWildcard`.
 * - No IP address SAN (or IP-address CN) unless the template has `allowIpAddresses`.
 * - When the account has `allowedNames`, every DNS name and a host-name CN must match one: `contoso.com`
 *   matches exactly, `.contoso.com` (or `*.contoso.com`) matches any name under contoso.com.
 */
import { isIP } from 'node:net';
import { caError } from '../core/ca/ca-errors.ts';
import type { CertificateTemplate } from './certificate-template.ts';

/** The names of a request as the CA would certify them. */
export interface RequestedNames {
  readonly subject: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/** Throws ERR_CA_NAME_NOT_ALLOWED for the first name the template or the account does not allow. */
export function checkEnrollmentNames(
  request: RequestedNames,
  template: CertificateTemplate,
  account: { readonly name: string; readonly allowedNames?: readonly string[] | undefined },
): void {
  const refuse = (name: string, why: string): never => {
    throw caError('ERR_CA_NAME_NOT_ALLOWED', `"${name}" ${why}`, {
      name,
      account: account.name,
      template: template.name,
    });
  };
  const cn = commonNameOf(request.subject);
  const ips = template.sanPolicy === 'copy' ? request.ipAddresses : [];
  if (ips.length > 0 && template.allowIpAddresses !== true)
    refuse(ips[0]!, `is an IP address; template ${template.name} does not allow IP addresses`);
  if (cn !== undefined && isIP(cn) !== 0 && template.allowIpAddresses !== true)
    refuse(cn, `(subject CN) is an IP address; template ${template.name} does not allow IP addresses`);
  const hostNames = [
    ...(template.sanPolicy === 'none' ? [] : request.dnsNames),
    ...(cn !== undefined && isIP(cn) === 0 && cn.includes('.') ? [cn] : []),
  ];
  for (const name of hostNames) {
    if (name.includes('*') && template.allowWildcard !== true)
      refuse(name, `is a wildcard; template ${template.name} does not allow wildcards`);
    if (account.allowedNames && !account.allowedNames.some((pattern) => nameMatches(pattern, name)))
      refuse(
        name,
        `is not among the names account ${account.name} may enroll (${account.allowedNames.join(', ')})`,
      );
  }
}

/** Whether `name` matches an allowed-name pattern (`host`, `.domain` or `*.domain`). */
export function nameMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase().replace(/^\*\./, '.');
  const n = name.toLowerCase().replace(/^\*\./, '_wildcard_.');
  return p.startsWith('.') ? n.endsWith(p) && n.length > p.length : n === p;
}

function commonNameOf(subject: string): string | undefined {
  const match = /(?:^|,)\s*CN=([^,]+)/i.exec(subject);
  return match?.[1]?.trim();
}
