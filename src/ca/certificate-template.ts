/**
 * Certificate templates of the built-in CA (the enterprise CA's templates, docs/ca.md, request step 3): which
 * key usages and extended key usages an issued certificate gets, and for how long it is valid.
 */
import { caError } from '../core/ca/ca-errors.ts';
import { x509 } from './x509.ts';

/** Key usage names (RFC 5280 §4.2.1.3) → flag. */
export const KEY_USAGE_FLAGS: Readonly<Record<string, number>> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
};

/** Extended key usage names (RFC 5280 §4.2.1.12) → OID. */
export const EKU_OIDS: Readonly<Record<string, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
};

/** How the CA treats the subject alternative names a request asks for. */
export type SanPolicy = 'copy' | 'dns-only' | 'none';

/** A certificate template as stored (document kind `ca-template`, key: name). */
export interface CertificateTemplate {
  /** The template name (what `--template` takes), not a display name. */
  readonly name: string;
  readonly displayName: string;
  readonly keyUsages: readonly string[];
  /** Names from {@link EKU_OIDS} or dotted OIDs. */
  readonly extendedKeyUsages: readonly string[];
  readonly validityDays: number;
  /** `copy`: DNS names and IP addresses requested; `dns-only`: DNS names; `none`: subject only. */
  readonly sanPolicy: SanPolicy;
  /** Smallest RSA key accepted, in bits. */
  readonly minimumRsaKeySize: number;
  /** Enrollment may certify wildcard names (`*.contoso.com`); default false (docs/ca.md "Name constraints"). */
  readonly allowWildcard?: boolean;
  /** Enrollment may certify IP addresses; default false. */
  readonly allowIpAddresses?: boolean;
}

/** The default web-server template (what Windows CAs call `WebServer`): 2 years, serverAuth. */
export const WEB_SERVER_TEMPLATE: CertificateTemplate = Object.freeze({
  name: 'WebServer',
  displayName: 'Web Server',
  keyUsages: ['digitalSignature', 'keyEncipherment'],
  extendedKeyUsages: ['serverAuth'],
  validityDays: 730,
  sanPolicy: 'copy',
  minimumRsaKeySize: 2048,
});

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const OID = /^[0-2](\.\d+)+$/;

/** Validates a template definition; throws ERR_CA_TEMPLATE_INVALID naming the bad field. */
export function validateTemplate(input: CertificateTemplate): CertificateTemplate {
  const bad = (field: string, why: string) =>
    caError('ERR_CA_TEMPLATE_INVALID', `template ${field}: ${why}`, { field });
  if (!NAME.test(input.name)) throw bad('name', 'use letters, digits, "-", "_" or "." (at most 64)');
  for (const ku of input.keyUsages)
    if (!(ku in KEY_USAGE_FLAGS)) throw bad('keyUsages', `unknown key usage "${ku}"`);
  for (const eku of input.extendedKeyUsages)
    if (!(eku in EKU_OIDS) && !OID.test(eku))
      throw bad('extendedKeyUsages', `unknown extended key usage "${eku}"`);
  if (!Number.isInteger(input.validityDays) || input.validityDays < 1 || input.validityDays > 3650)
    throw bad('validityDays', 'must be 1 to 3650 days');
  if (!['copy', 'dns-only', 'none'].includes(input.sanPolicy))
    throw bad('sanPolicy', 'must be copy, dns-only or none');
  for (const flag of ['allowWildcard', 'allowIpAddresses'] as const)
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean')
      throw bad(flag, 'must be true or false');
  if (![1024, 2048, 3072, 4096].includes(input.minimumRsaKeySize))
    throw bad('minimumRsaKeySize', 'must be 1024, 2048, 3072 or 4096');
  return Object.freeze({
    ...input,
    keyUsages: [...new Set(input.keyUsages)],
    extendedKeyUsages: [...new Set(input.extendedKeyUsages)],
  });
}

/** The key usage flags of a template. */
export function keyUsageFlagsOf(template: CertificateTemplate): number {
  return template.keyUsages.reduce((flags, ku) => flags | (KEY_USAGE_FLAGS[ku] ?? 0), 0);
}

/** The EKU OIDs of a template. */
export function ekuOidsOf(template: CertificateTemplate): string[] {
  return template.extendedKeyUsages.map((eku) => EKU_OIDS[eku] ?? eku);
}
