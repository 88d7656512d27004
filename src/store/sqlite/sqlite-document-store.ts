/**
 * The embedded default store: one SQLite file (better-sqlite3) under S2S_HOME.
 *
 * Durability: WAL with synchronous=FULL, so a committed batch survives power loss. Every write batch is
 * one `BEGIN IMMEDIATE` transaction: it takes the file's write lock first, so the head version it
 * reads cannot move before it commits, and versions are assigned in commit order (head + 1, gap-free).
 * better-sqlite3 is synchronous, so a batch never interleaves with another in the same process.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { sharedError, systemClock } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type {
  ChangeEntry,
  DocumentKind,
  DocumentStore,
  StoredDocument,
  StoreSnapshot,
  WriteContext,
  WriteOperation,
  WriteResult,
} from '../document-store.ts';
import { failpoint } from '../failpoint.ts';
import {
  assertExpectation,
  checkUnlogged,
  decodeBody,
  encodeWriteBatch,
  trimToWholeBatches,
  checkChangeLimit,
} from '../write-batch.ts';
import { HeadPoller } from '../head-poller.ts';
import { migrateSqlite } from './sqlite-migrations.ts';
import { sqliteFailure } from './sqlite-failure.ts';

/** Options of {@link SqliteDocumentStore.open}. */
export interface SqliteDocumentStoreOptions {
  /** The store clock (`updatedAt`, `at`, `serverTime`); defaults to the system clock. */
  readonly clock?: Clock;
  /** How long a write waits for another process's write lock, in milliseconds (default 5000). */
  readonly busyTimeoutMs?: number;
  /** How often `subscribe` polls the head version, in milliseconds (default 200). */
  readonly pollIntervalMs?: number;
}

interface DocumentRow {
  kind: DocumentKind;
  key: string;
  body: string;
  version: number;
  updated_at: string;
}

interface ChangeRow {
  version: number;
  kind: DocumentKind;
  key: string;
  op: 'put' | 'delete';
  at: string;
  actor: string | null;
}

const SQL = {
  head: 'SELECT coalesce(max(version), 0) AS v FROM changes',
  dataVersion: 'PRAGMA data_version',
  get: 'SELECT kind, key, body, version, updated_at FROM documents WHERE kind = ? AND key = ?',
  versionOf: 'SELECT version FROM documents WHERE kind = ? AND key = ?',
  list: `SELECT kind, key, body, version, updated_at FROM documents
         WHERE kind = @kind AND substr(key, 1, length(@prefix)) = @prefix ORDER BY key`,
  all: 'SELECT kind, key, body, version, updated_at FROM documents ORDER BY kind, key',
  ofKinds: `SELECT kind, key, body, version, updated_at FROM documents
            WHERE kind IN (SELECT value FROM json_each(?)) ORDER BY kind, key`,
  put: `INSERT INTO documents (kind, key, body, version, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body, version = excluded.version,
        updated_at = excluded.updated_at`,
  delete: 'DELETE FROM documents WHERE kind = ? AND key = ?',
  change: 'INSERT INTO changes (version, kind, key, op, at, actor) VALUES (?, ?, ?, ?, ?, ?)',
  since:
    'SELECT version, kind, key, op, at, actor FROM changes WHERE version > ? ORDER BY version, kind, key LIMIT ?',
  batch: 'SELECT version, kind, key, op, at, actor FROM changes WHERE version = ? ORDER BY kind, key',
  prune: 'DELETE FROM changes WHERE at < ? AND version < (SELECT max(version) FROM changes)',
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

/** Commits made by any SQLite store of this process (see `knownHeadVersion`). */
let localCommits = 0;

/** A {@link DocumentStore} in one SQLite file. */
export class SqliteDocumentStore implements DocumentStore {
  readonly dialect = 'sqlite' as const;
  readonly location: string;
  readonly #db: Database.Database;
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #poller: HeadPoller;
  #closed = false;
  /** The head version as last read, and SQLite's data_version when it was read (-1: read again). */
  #knownHead = -1;
  #knownDataVersion = -1;
  /** `#knownHead` was checked in this event-loop turn, when this process had made `localCommits` commits. */
  #checkedThisTurn = false;
  #checkedAtCommits = -1;

  private constructor(db: Database.Database, location: string, options: SqliteDocumentStoreOptions) {
    this.#db = db;
    this.location = location;
    this.#clock = options.clock ?? systemClock;
    this.#sql = Object.fromEntries(
      Object.entries(SQL).map(([name, text]) => [name, db.prepare(text)]),
    ) as Statements;
    this.#sql.dataVersion.pluck();
    this.#poller = new HeadPoller(() => this.headVersion(), options.pollIntervalMs ?? 200);
  }

  /**
   * Opens (creating when missing) the store file at `path`: parent directory 0700, file 0600 (it holds
   * sealed private keys and the trust configuration), then applies pending migrations.
   */
  static open(path: string, options: SqliteDocumentStoreOptions = {}): SqliteDocumentStore {
    let db: Database.Database | undefined;
    try {
      createPrivateFile(path);
      db = new Database(path);
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      const clock = options.clock ?? systemClock;
      migrateSqlite(db, () => clock.now().toISOString());
      return new SqliteDocumentStore(db, path, options);
    } catch (err) {
      db?.close();
      throw sqliteFailure(err, 'open', path);
    }
  }

  async get<T = unknown>(kind: DocumentKind, key: string): Promise<StoredDocument<T> | undefined> {
    const row = this.#run('get', () => this.#sql.get.get(kind, key) as DocumentRow | undefined);
    return row === undefined ? undefined : toDocument<T>(row);
  }

  async list<T = unknown>(kind: DocumentKind, prefix = ''): Promise<StoredDocument<T>[]> {
    const rows = this.#run('list', () => this.#sql.list.all({ kind, prefix }) as DocumentRow[]);
    return rows.map((row) => toDocument<T>(row));
  }

  async write(operations: readonly WriteOperation[], context: WriteContext = {}): Promise<WriteResult> {
    const bodies = encodeWriteBatch(operations);
    checkUnlogged(operations, context.unlogged);
    const result = this.#run('write', () =>
      this.#db
        .transaction(() => {
          // Inside the write lock: the expectations and the head version cannot change under us.
          for (const op of operations) assertExpectation(op, this.#versionOf(op.kind, op.key));
          const logged = context.unlogged !== true;
          const version = this.#head() + (logged ? 1 : 0);
          const at = this.#clock.now().toISOString();
          operations.forEach((op, i) =>
            this.#apply(op, bodies[i], version, at, logged ? (context.actor ?? null) : undefined),
          );
          failpoint('store.write.before-commit');
          return { version, at };
        })
        .immediate(),
    );
    this.#knownHead = -1; // our own commit does not change data_version
    localCommits++; // nor another connection's of this process, which every instance must see at once
    failpoint('store.write.after-commit');
    return result;
  }

  async headVersion(): Promise<number> {
    return this.#run('headVersion', () => this.#head());
  }

  /**
   * The head version, synchronously, without the head query when nothing was committed since the last
   * one: `PRAGMA data_version` changes whenever another connection (another process) commits to the file
   * (https://sqlite.org/pragma.html#pragma_data_version), and a commit through any connection of this
   * process forgets the known head. Read by validation and issuing on every call (docs/tokens.md §7).
   *
   * `PRAGMA data_version` itself costs ≈ 3 µs — more than the rest of an authenticated request's
   * authentication — so it is asked once per event-loop turn: the requests a turn serves share one
   * answer, and a commit by another process is seen from the next turn on (docs/store.md "Head version").
   * Commits made in this process are seen at once.
   */
  knownHeadVersion(): number {
    if (this.#checkedThisTurn && this.#checkedAtCommits === localCommits && this.#knownHead >= 0)
      return this.#knownHead;
    return this.#run('headVersion', () => {
      const dataVersion = this.#sql.dataVersion.get() as number;
      if (dataVersion !== this.#knownDataVersion || this.#knownHead < 0) {
        // data_version first: a commit between the two reads only makes the next call read again.
        this.#knownHead = this.#head();
        this.#knownDataVersion = dataVersion;
      }
      this.#checkedAtCommits = localCommits;
      if (!this.#checkedThisTurn) {
        this.#checkedThisTurn = true;
        setImmediate(() => (this.#checkedThisTurn = false));
      }
      return this.#knownHead;
    });
  }

  /** One file holds every document: its head is the version of every read (services/tokens/store-head.ts). */
  exactHeadVersion(): number {
    return this.knownHeadVersion();
  }

  async pruneChanges(before: Date): Promise<number> {
    return this.#run('pruneChanges', () => this.#sql.prune.run(before.toISOString()).changes);
  }

  async changesSince(afterVersion: number, limit?: number): Promise<ChangeEntry[]> {
    checkChangeLimit(limit);
    return this.#run('changesSince', () => {
      const rows = (
        this.#sql.since.all(afterVersion, limit === undefined ? -1 : limit + 1) as ChangeRow[]
      ).map(toChange);
      if (limit === undefined) return rows;
      const { entries, splitVersion } = trimToWholeBatches(rows, limit);
      return splitVersion === undefined
        ? entries
        : (this.#sql.batch.all(splitVersion) as ChangeRow[]).map(toChange);
    });
  }

  async snapshot(kinds?: readonly DocumentKind[]): Promise<StoreSnapshot> {
    // A deferred read transaction pins one WAL snapshot for both statements.
    const { version, rows } = this.#run('snapshot', () =>
      this.#db.transaction(() => ({
        version: this.#head(),
        rows: (kinds === undefined
          ? this.#sql.all.all()
          : this.#sql.ofKinds.all(JSON.stringify(kinds))) as DocumentRow[],
      }))(),
    );
    return { version, documents: rows.map((row) => toDocument(row)) };
  }

  /** SQLite has no clock of its own: the store clock is this process's clock. */
  async serverTime(): Promise<Date> {
    this.#run('serverTime', () => undefined);
    return this.#clock.now();
  }

  /** Polls the head version (other processes write the same file; SQLite cannot notify). */
  subscribe(listener: (version: number) => void): () => void {
    if (this.#closed) return () => undefined;
    return this.#poller.add(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#poller.stop();
    this.#db.close();
  }

  #head(): number {
    return (this.#sql.head.get() as { v: number }).v;
  }

  #versionOf(kind: DocumentKind, key: string): number | undefined {
    return (this.#sql.versionOf.get(kind, key) as { version: number } | undefined)?.version;
  }

  #apply(
    op: WriteOperation,
    body: string | undefined,
    version: number,
    at: string,
    /** undefined: an unlogged batch, no change-log row. */
    actor: string | null | undefined,
  ): void {
    if (op.op === 'put') this.#sql.put.run(op.kind, op.key, body, version, at);
    else this.#sql.delete.run(op.kind, op.key);
    if (actor !== undefined) this.#sql.change.run(version, op.kind, op.key, op.op, at, actor);
  }

  #run<R>(operation: string, fn: () => R): R {
    if (this.#closed)
      throw sharedError('ERR_STORE_UNAVAILABLE', `the SQLite store ${this.location} is closed`, {
        location: this.location,
      });
    try {
      return fn();
    } catch (err) {
      throw sqliteFailure(err, operation, this.location);
    }
  }
}

/** Creates the file 0600 (and its directory 0700) before SQLite does, so it never exists world-readable. */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}

function toDocument<T>(row: DocumentRow): StoredDocument<T> {
  const body = decodeBody(row.kind, row.key, row.body) as T;
  return { kind: row.kind, key: row.key, body, version: row.version, updatedAt: row.updated_at };
}

function toChange(row: ChangeRow): ChangeEntry {
  const entry: ChangeEntry = { version: row.version, kind: row.kind, key: row.key, op: row.op, at: row.at };
  return row.actor === null ? entry : { ...entry, actor: row.actor };
}
