/**
 * The `x-ms-diagnostics` header of a 401 (docs/protocol.md §6.2), formatted and parsed in this one place:
 * `<category code>;reason="<text>";error_category="<name>"`, where the category code is
 * 2000000 + floor(detail / 1000) − 1 and the name comes from the same thousand. The reason is kept to
 * visible ASCII without quotes or backslashes, so no text can break out of the quoted parameter.
 */

/** Exchange category names by `floor(detail / 1000)` (docs/protocol.md §6.2). */
const CATEGORIES: Readonly<Record<number, string>> = {
  1: 'invalid_signature',
  2: 'invalid_token',
  3: 'token_expired',
  4: 'invalid_resource',
  5: 'invalid_tenant',
  6: 'invalid_user',
  7: 'invalid_client',
  8: 'internal_error',
  9: 'invalid_grant',
  10: 'invalid_certificate',
};

/** A parsed `x-ms-diagnostics` header. */
export interface MsDiagnostics {
  readonly categoryCode: number;
  readonly reason: string;
  readonly category: string;
}

/** The category code: 2000000 + floor(detail / 1000) − 1. */
export function diagnosticCategoryCode(detail: number): number {
  return 2000000 + Math.floor(detail / 1000) - 1;
}

/** The category name of a detail code. */
export function diagnosticCategory(detail: number): string {
  return CATEGORIES[Math.floor(detail / 1000)] ?? 'internal_error';
}

/** Keeps a value safe inside a quoted header parameter: visible ASCII and spaces, no quotes or backslashes. */
export function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, "'").slice(0, 300);
}

/** The header value for a refusal with Exchange detail code `detail` and a human reason. */
export function formatMsDiagnostics(detail: number, reason: string): string {
  return `${diagnosticCategoryCode(detail)};reason="${headerSafe(reason)}";error_category="${diagnosticCategory(detail)}"`;
}

/** Parses a partner's header; null when absent or not in the Exchange shape. */
export function parseMsDiagnostics(header: string | undefined): MsDiagnostics | null {
  const m = /^\s*(\d+)\s*;\s*reason="((?:[^"\\]|\\.)*)"\s*;\s*error_category="([^"]*)"/.exec(header ?? '');
  if (!m) return null;
  return { categoryCode: Number(m[1]), reason: m[2]!.replace(/\\(.)/g, '$1'), category: m[3]! };
}
