/**
 * One audit log entry (docs/admin.md "Audit log"): who, in which role, from where, what, the stored
 * values before and after with secrets redacted, and the outcome. Entries are written by s2s only and
 * never edited; `s2s audit prune` deletes whole entries by age.
 */
import type { AdminRole } from './admin-roles.ts';

/** Who acted: an administrator (session), an API token, or the local operating-system user (the CLI on the server). */
export interface AuditActor {
  readonly kind: 'admin' | 'token' | 'local' | 'anonymous';
  /** Administrator name, `token:<name>`, the OS user name, or what an anonymous caller claimed. */
  readonly name: string;
  readonly role: AdminRole | null;
  /** IP address of an API caller, or `cli@<host>` for the local CLI. */
  readonly from: string;
  /** Which channel: the local CLI, the administration API (token or console session), or a program embedding s2s. */
  readonly via: 'cli' | 'api' | 'console' | 'library';
}

/** One stored document as it was before and after the change (secrets redacted). */
export interface AuditChange {
  readonly kind: string;
  readonly key: string;
  readonly op: 'put' | 'delete';
  readonly before: unknown;
  readonly after: unknown;
}

export type AuditOutcome = 'success' | 'failed' | 'refused';

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: AuditActor;
  /** Operation id (docs/admin.md "Operations"), or `session.sign-in` / `session.sign-out`. */
  readonly operation: string;
  /** The CLI command that maps to it. */
  readonly command: string;
  /** Arguments, secrets redacted. */
  readonly args: unknown;
  readonly changes: readonly AuditChange[];
  /** More changes than an entry keeps (docs/admin.md): their count. */
  readonly changesOmitted?: number;
  readonly outcome: AuditOutcome;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Any member whose name says password or secret (caPassword, clientSecret, …), and the other secret-bearing names. */
const SECRET_MEMBERS = /password|secret|^(privateKey|keyFile|csrfToken|csrfHash|token|accessToken|pfx)$/i;
const MAX_STRING = 1024;
const MAX_DEPTH = 8;

/**
 * A copy of `value` fit for the audit log and its log line: secret members and sealed secrets replaced by
 * `[redacted]`, bytes by their length, long strings by their length, functions dropped.
 */
export function redactForAudit(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'string') return value.length > MAX_STRING ? `[${value.length} characters]` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return undefined;
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    const items = value.slice(0, 50).map((v) => redactForAudit(v, depth + 1));
    return value.length > 50 ? [...items, `[${value.length - 50} more]`] : items;
  }
  if (isSealed(value)) return '[redacted]';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function') continue;
    out[k] = SECRET_MEMBERS.test(k) ? '[redacted]' : redactForAudit(v, depth + 1);
  }
  return out;
}

function isSealed(value: object): boolean {
  const v = value as Record<string, unknown>;
  return typeof v.alg === 'string' && typeof v.iv === 'string' && typeof v.data === 'string';
}
