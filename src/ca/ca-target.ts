/**
 * Where a certificate request goes (docs/ca.md, "Back-ends"): `--ca` parsed once into a typed target.
 * Apart from ca-backend.ts so that naming a target loads no ACME or HTTP client.
 */
import { sharedError } from '../core/shared/shared-errors.ts';

/** The ACME scheme prefix of `--ca`. */
export const ACME_PREFIX = 'acme+';

/** True when a `--ca` value names an ACME directory. */
export function isAcmeUrl(ca: string): boolean {
  return ca.startsWith(`${ACME_PREFIX}https://`);
}

/** Where a certificate request goes. */
export type CaTarget =
  | { readonly kind: 'offline' }
  | { readonly kind: 'internal' }
  | { readonly kind: 'enrollment'; readonly url: string }
  | { readonly kind: 'acme'; readonly directoryUrl: string };

/** `--ca` → target: absent is offline; `internal`; `acme+https://…` an ACME directory; `https://…` enrollment. */
export function parseCaTarget(ca: string | undefined): CaTarget {
  if (ca === undefined || ca === 'offline') return { kind: 'offline' };
  if (ca === 'internal') return { kind: 'internal' };
  if (isAcmeUrl(ca)) return { kind: 'acme', directoryUrl: ca.slice(ACME_PREFIX.length) };
  try {
    if (new URL(ca).protocol === 'https:') return { kind: 'enrollment', url: ca };
  } catch {
    // fall through to the refusal below
  }
  throw sharedError(
    'ERR_INVALID_INPUT',
    '--ca takes `internal`, an https:// enrollment URL or an acme+https:// directory URL',
    { field: 'ca' },
  );
}

/** The target as `--ca` names it (stored with a pending request, shown to the operator). */
export function caTargetText(target: CaTarget): string {
  switch (target.kind) {
    case 'offline':
    case 'internal':
      return target.kind;
    case 'enrollment':
      return target.url;
    case 'acme':
      return `${ACME_PREFIX}${target.directoryUrl}`;
  }
}
