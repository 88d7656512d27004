/** Every error and warning code of s2s, gathered from the module catalogs (source of docs/errors.md). */
import type { ErrorCatalog, WarningDefinition } from './shared/errors.ts';
import { SHARED_ERRORS, SHARED_WARNINGS } from './shared/shared-errors.ts';
import { CERTIFICATE_ERRORS, CERTIFICATE_WARNINGS } from './certificates/certificate-errors.ts';
import { TOKEN_ERRORS, TOKEN_WARNINGS } from './tokens/token-errors.ts';
import { PARTNER_ERRORS, PARTNER_WARNINGS } from './partners/partner-errors.ts';
import { STORAGE_ERRORS, STORAGE_WARNINGS } from './storage/storage-errors.ts';
import { CA_ERRORS, CA_WARNINGS } from './ca/ca-errors.ts';
import { REPLICATION_ERRORS, REPLICATION_WARNINGS } from './replication/replication-errors.ts';
import { BACKUP_ERRORS, BACKUP_WARNINGS } from './backup/backup-errors.ts';
import { ADMIN_ERRORS, ADMIN_WARNINGS } from './admin/admin-errors.ts';

/** Catalogs by section title, in documentation order. */
export const ERROR_SECTIONS: ReadonlyArray<{
  readonly title: string;
  readonly errors: ErrorCatalog;
  readonly warnings: Readonly<Record<string, WarningDefinition>>;
}> = [
  { title: 'General, configuration and store', errors: SHARED_ERRORS, warnings: SHARED_WARNINGS },
  { title: 'Certificates', errors: CERTIFICATE_ERRORS, warnings: CERTIFICATE_WARNINGS },
  { title: 'Tokens and validation', errors: TOKEN_ERRORS, warnings: TOKEN_WARNINGS },
  { title: 'Partner applications and metadata', errors: PARTNER_ERRORS, warnings: PARTNER_WARNINGS },
  { title: 'Storage service and connectivity test', errors: STORAGE_ERRORS, warnings: STORAGE_WARNINGS },
  { title: 'Certification authority and requests', errors: CA_ERRORS, warnings: CA_WARNINGS },
  { title: 'Pools and replication', errors: REPLICATION_ERRORS, warnings: REPLICATION_WARNINGS },
  { title: 'Backup and restore', errors: BACKUP_ERRORS, warnings: BACKUP_WARNINGS },
  { title: 'Administrators, API and audit log', errors: ADMIN_ERRORS, warnings: ADMIN_WARNINGS },
];

/** Every s2s error code, as a union of the catalogs' keys (docs/errors.md). */
export type ErrorCode =
  | keyof typeof SHARED_ERRORS
  | keyof typeof CERTIFICATE_ERRORS
  | keyof typeof TOKEN_ERRORS
  | keyof typeof PARTNER_ERRORS
  | keyof typeof STORAGE_ERRORS
  | keyof typeof CA_ERRORS
  | keyof typeof REPLICATION_ERRORS
  | keyof typeof BACKUP_ERRORS
  | keyof typeof ADMIN_ERRORS;

/** Every error code with its definition. */
export const ALL_ERRORS: ErrorCatalog = Object.assign({}, ...ERROR_SECTIONS.map((s) => s.errors));
/** Every warning code with its definition. */
export const ALL_WARNINGS: Readonly<Record<string, WarningDefinition>> = Object.assign(
  {},
  ...ERROR_SECTIONS.map((s) => s.warnings),
);

/** True when `code` is a declared s2s error code. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ALL_ERRORS, code);
}

/**
 * Codes raised by Node.js, OpenSSL or undici that s2s recognises and maps to its own codes. They are never
 * shown as s2s codes; docs/errors.md lists them so an operator reading a log knows where each comes from.
 */
export const PLATFORM_ERROR_CODES: Readonly<Record<string, string>> = {
  ERR_TLS:
    'Node.js TLS failure (prefix); reported as a TLS trust failure (ERR_METADATA_TLS_UNTRUSTED, storage test "TLS not trusted")',
  ERR_SSL: 'OpenSSL failure (prefix); reported like ERR_TLS',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not name the host; reported like ERR_TLS',
  UND_ERR_CONNECT_TIMEOUT:
    'undici connect timeout; reported as ERR_METADATA_TIMEOUT or a partner-unreachable step',
  UND_ERR_HEADERS_TIMEOUT: 'undici response-headers timeout; reported like UND_ERR_CONNECT_TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'undici body timeout; reported like UND_ERR_CONNECT_TIMEOUT',
  UND_ERR_SOCKET: 'undici socket failure; reported as the partner being unreachable',
  ERR_HTTP_REQUEST_TIMEOUT:
    'Node.js: a client did not send its request headers in time; answered 408 and logged as a client error (code only)',
  FST_ERR_BAD_URL:
    'fastify: the request path does not percent-decode; answered ERR_HTTP_BAD_URL without the path',
  FST_ERR_MAX_PARAM_LENGTH:
    'fastify: a path parameter is over the router length limit; answered ERR_HTTP_BAD_URL without the path',
};
