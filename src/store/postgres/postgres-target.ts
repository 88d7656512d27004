/**
 * Parses a `postgres://` store URL into what `pg` needs and what may be shown. The password stays in
 * the connection string only: `location` (messages, logs, `replication status`) never carries it.
 * `?schema=<name>` selects a schema (created when missing) through search_path, so several stores —
 * test runs above all — can share one database without seeing each other.
 */
import { sharedError } from '../../core/index.ts';

/** A parsed PostgreSQL store location. */
export interface PostgresTarget {
  /** For `pg`: the URL without the `schema` parameter (it may hold credentials; never show it). */
  readonly connectionString: string;
  /** The schema holding the store's tables (`public` unless `?schema=` names one). */
  readonly schema: string;
  /** Whether `?schema=` named the schema (then it is created when missing and set as search_path). */
  readonly explicitSchema: boolean;
  /** postgres://host:port/db[?schema=…], without user or password. */
  readonly location: string;
  /** The password, only to scrub it from driver messages. */
  readonly secret: string | undefined;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Parses `url`; a malformed URL or schema name is ERR_STORE_URL (the message never repeats the URL). */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw sharedError(
      'ERR_STORE_URL',
      'the PostgreSQL store URL is malformed (expected postgres://user@host:5432/db)',
    );
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol) || parsed.hostname === '') {
    throw sharedError(
      'ERR_STORE_URL',
      'the PostgreSQL store URL needs the form postgres://user@host:5432/db',
    );
  }
  const schemaParam = parsed.searchParams.get('schema');
  if (schemaParam !== null && !SCHEMA_NAME.test(schemaParam)) {
    throw sharedError(
      'ERR_STORE_URL',
      `the schema name "${schemaParam.slice(0, 64)}" must match ${SCHEMA_NAME.source}`,
    );
  }
  parsed.searchParams.delete('schema');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)';
  const schema = schemaParam ?? 'public';
  const host =
    parsed.hostname.includes(':') && !parsed.hostname.startsWith('[')
      ? `[${parsed.hostname}]`
      : parsed.hostname;
  return {
    connectionString: parsed.toString(),
    schema,
    explicitSchema: schemaParam !== null,
    location: `postgres://${host}:${parsed.port || '5432'}/${database}${schemaParam === null ? '' : `?schema=${schema}`}`,
    secret: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
  };
}

/** Quotes an identifier already checked against {@link SCHEMA_NAME}. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
