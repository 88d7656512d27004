/**
 * Opens the store named by a location (the only place that chooses an implementation): a
 * `postgres://` URL is the pool store, a `file:` URL or anything without a scheme is a SQLite file
 * path (the embedded default), and any other scheme is refused with ERR_STORE_URL.
 */
import { fileURLToPath } from 'node:url';
import { sharedError } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import type { DocumentStore } from '../store/index.ts';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Clock of the SQLite store's commit times (PostgreSQL uses the database clock). */
  readonly clock?: Clock;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/** Opens (creating and migrating when needed) the store at `location`. */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<DocumentStore> {
  const trimmed = location.trim();
  // Each driver is loaded when its store is opened, so importing the library loads neither (docs/library.md).
  if (POSTGRES_URL.test(trimmed)) {
    const { PostgresDocumentStore } = await import('../store/postgres/postgres-document-store.ts');
    return PostgresDocumentStore.open(trimmed);
  }
  const path = sqlitePath(trimmed);
  const { SqliteDocumentStore } = await import('../store/sqlite/sqlite-document-store.ts');
  return SqliteDocumentStore.open(path, options.clock === undefined ? {} : { clock: options.clock });
}

/** The SQLite file a location names; refuses URLs of other databases rather than making a file of them. */
function sqlitePath(location: string): string {
  if (location === '') throw sharedError('ERR_STORE_URL', 'the store location is empty');
  if (/^file:/i.test(location)) {
    try {
      return fileURLToPath(location);
    } catch {
      throw sharedError('ERR_STORE_URL', 'the file: store URL is malformed (expected file:///absolute/path)');
    }
  }
  // Two or more letters before ':' is a scheme (mysql:, sqlite://, http://); one is a Windows drive.
  const scheme = SCHEME.exec(location)?.[1];
  if (scheme !== undefined) {
    // Only the scheme is echoed: the rest of a URL may carry credentials.
    throw sharedError(
      'ERR_STORE_URL',
      `unsupported store scheme "${scheme}:": use postgres://user@host:5432/db or a SQLite file path`,
      {
        scheme,
      },
    );
  }
  return location;
}
