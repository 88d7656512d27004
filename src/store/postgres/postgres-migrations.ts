/**
 * Versioned schema migrations of the PostgreSQL store, applied on open under a session advisory lock,
 * so servers of a pool starting together apply each migration once (docs/store.md). Bodies are TEXT holding
 * JSON (not jsonb): the store returns them exactly as written, and both dialects share one format.
 */
import type { PoolClient } from 'pg';
import { sharedError } from '../../core/index.ts';
import { quoteIdentifier } from './postgres-target.ts';
import type { PostgresTarget } from './postgres-target.ts';

/** Advisory-lock class of migrations ('S2' 'M'); the second key is hashtext(schema). */
const MIGRATION_LOCK_CLASS = 0x53324d00;

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The schema, in order; never edit a released step, append one. `COLLATE "C"`: binary key order. */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents and change log',
    sql: `
      CREATE TABLE documents (
        kind text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        body text NOT NULL,
        version bigint NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (kind, key)
      );
      -- A batch writes several documents under one version, so (version, kind, key) is the key.
      CREATE TABLE changes (
        version bigint NOT NULL,
        kind text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        op text NOT NULL CHECK (op IN ('put', 'delete')),
        at text NOT NULL,
        actor text,
        PRIMARY KEY (version, kind, key)
      );`,
  },
];

/** Creates the schema if asked, then applies the missing migrations, all under the migration lock. */
export async function migratePostgres(client: PoolClient, target: PostgresTarget): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, target.schema]);
  try {
    if (target.explicitSchema)
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(target.schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ v: number }>(
      'SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations',
    );
    const current = rows[0]?.v ?? 0;
    const latest = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;
    if (current > latest) {
      throw sharedError(
        'ERR_STORE_SCHEMA_TOO_NEW',
        `the store schema is at version ${current}; this s2s knows up to ${latest}`,
        {
          found: current,
          supported: latest,
          location: target.location,
        },
      );
    }
    for (const migration of POSTGRES_MIGRATIONS.filter((m) => m.version > current))
      await apply(client, migration);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, target.schema]);
  }
}

/** One migration in its own transaction: a crash mid-way leaves the schema at the previous version. */
async function apply(client: PoolClient, migration: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      migration.version,
      migration.name,
    ]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
