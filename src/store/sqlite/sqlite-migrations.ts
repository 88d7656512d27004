/**
 * Versioned schema migrations of the SQLite store, applied on open inside one `BEGIN IMMEDIATE`
 * transaction: the write lock makes a second process opening the same file wait, then find the
 * migrations already applied (docs/store.md: two servers starting together do not race).
 */
import type Database from 'better-sqlite3';
import { sharedError } from '../../core/index.ts';

/** One schema step; never edit a released one, append a new one. */
interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The schema, in order. docs/store.md describes each table. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents and change log',
    sql: `
      CREATE TABLE documents (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        body TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (kind, key)
      ) WITHOUT ROWID;
      -- A batch writes several documents under one version, so (version, kind, key) is the key.
      CREATE TABLE changes (
        version INTEGER NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('put', 'delete')),
        at TEXT NOT NULL,
        actor TEXT,
        PRIMARY KEY (version, kind, key)
      ) WITHOUT ROWID;`,
  },
];

/** Applies the missing migrations; refuses a file migrated by a newer s2s (ERR_STORE_SCHEMA_TOO_NEW). */
export function migrateSqlite(db: Database.Database, now: () => string): void {
  const latest = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const row = db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as {
      v: number;
    };
    if (row.v > latest) {
      throw sharedError(
        'ERR_STORE_SCHEMA_TOO_NEW',
        `the store schema is at version ${row.v}; this s2s knows up to ${latest}`,
        {
          found: row.v,
          supported: latest,
        },
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version > row.v)) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now());
    }
  }).immediate();
}
