/**
 * Time bounds of every PostgreSQL session s2s opens (docs/store.md "Time bounds"). A network that
 * stops answering without closing the connection (a firewall drop, a half-dead load balancer) must
 * never freeze the pool: the server ends a session that sits idle inside a transaction, so a writer
 * that lost its connection gives the pool-wide write lock up; every statement and every lock wait has
 * a limit; the client bounds each call and destroys a connection that stopped answering; TCP
 * keepalive notices a dead peer on idle connections.
 */
import type pg from 'pg';

/** The defaults, each with its unit. A write waits at most `lockTimeoutMs` behind another writer. */
export const POSTGRES_SESSION_DEFAULTS = {
  /** Server side: a statement running longer is cancelled (SQLSTATE 57014). */
  statementTimeoutMs: 10_000,
  /** Server side: waiting longer for a lock (the write lock included) fails with SQLSTATE 55P03. */
  lockTimeoutMs: 10_000,
  /** Server side: a session idle inside a transaction this long is ended, releasing its locks. */
  idleInTransactionTimeoutMs: 5_000,
  /** Client side: one store call (connect wait excluded) longer than this destroys its connection. */
  callTimeoutMs: 15_000,
  /** Client side: first TCP keepalive probe after this much idle time. */
  keepAliveInitialDelayMs: 5_000,
} as const;

/** Overrides of {@link POSTGRES_SESSION_DEFAULTS} (tests shorten them). */
export type PostgresSessionLimits = { readonly [K in keyof typeof POSTGRES_SESSION_DEFAULTS]?: number };

/** The resolved limits. */
export type ResolvedSessionLimits = { readonly [K in keyof typeof POSTGRES_SESSION_DEFAULTS]: number };

/** Fills the defaults in. */
export function resolveSessionLimits(limits: PostgresSessionLimits = {}): ResolvedSessionLimits {
  return { ...POSTGRES_SESSION_DEFAULTS, ...stripUndefined(limits) };
}

/** The `pg` client settings that carry the limits (start-up parameters, socket options, query bound). */
export function sessionConfig(limits: ResolvedSessionLimits): Partial<pg.ClientConfig> {
  return {
    statement_timeout: limits.statementTimeoutMs,
    lock_timeout: limits.lockTimeoutMs,
    idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
    query_timeout: limits.callTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: limits.keepAliveInitialDelayMs,
  };
}

function stripUndefined(limits: PostgresSessionLimits): PostgresSessionLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}
