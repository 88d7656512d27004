/**
 * The pool store: PostgreSQL through a `pg` Pool, for deployments where several servers share one
 * configuration (docs/replication.md).
 *
 * Version ordering: every write batch first takes one transaction-scoped advisory lock, then reads the
 * head, writes version head + 1 and commits, releasing the lock only once the commit is visible. So
 * versions are assigned and committed in the same order, with no gaps: a reader that saw version N
 * has seen every batch ≤ N, and a follower reading the change log never skips a late commit. (A
 * sequence would hand out numbers in start order and leave gaps on rollback — both break followers.)
 */
import pg from 'pg';
import { sharedError } from '../../core/index.ts';
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
import { HeadPoller } from '../head-poller.ts';
import {
  checkUnlogged,
  decodeBody,
  encodeWriteBatch,
  trimToWholeBatches,
  checkChangeLimit,
} from '../write-batch.ts';
import { applyBatch, checkExpectations } from './postgres-batch-statements.ts';
import { CHANGES_CHANNEL, PostgresChangeListener } from './postgres-change-listener.ts';
import { postgresFailure } from './postgres-failure.ts';
import { migratePostgres } from './postgres-migrations.ts';
import { resolveSessionLimits, sessionConfig } from './postgres-session.ts';
import type { PostgresSessionLimits } from './postgres-session.ts';
import { parsePostgresUrl, quoteIdentifier } from './postgres-target.ts';
import type { PostgresTarget } from './postgres-target.ts';
import { withConnection } from './postgres-transaction.ts';

/** Advisory-lock class of write batches ('S2' 'W'); the second key is hashtext(schema). */
const WRITE_LOCK_CLASS = 0x53325700;

/** Options of {@link PostgresDocumentStore.open}. */
export interface PostgresDocumentStoreOptions {
  /** Connections in the pool (default 10). */
  readonly maxConnections?: number;
  /** How long to wait for a connection before ERR_STORE_UNAVAILABLE, in milliseconds (default 5000). */
  readonly connectTimeoutMs?: number;
  /** The fallback poll of `subscribe`, in milliseconds (default 2000). */
  readonly pollIntervalMs?: number;
  /** Session time bounds (statement, lock, idle-in-transaction, per call); see {@link POSTGRES_SESSION_DEFAULTS}. */
  readonly limits?: PostgresSessionLimits;
}

interface DocumentRow {
  kind: DocumentKind;
  key: string;
  body: string;
  version: string;
  updated_at: string;
}

interface ChangeRow {
  version: string;
  kind: DocumentKind;
  key: string;
  op: 'put' | 'delete';
  at: string;
  actor: string | null;
}

const COLUMNS = 'kind, key, body, version, updated_at';
const CHANGE_COLUMNS = 'version, kind, key, op, at, actor';
const HEAD = 'SELECT coalesce(max(version), 0)::bigint AS v FROM changes';
const HEAD_AND_TIME = 'SELECT coalesce(max(version), 0)::bigint AS v, clock_timestamp() AS at FROM changes';

/** A {@link DocumentStore} in a PostgreSQL database (one schema). */
export class PostgresDocumentStore implements DocumentStore {
  readonly dialect = 'postgres' as const;
  readonly location: string;
  readonly #target: PostgresTarget;
  readonly #pool: pg.Pool;
  readonly #poller: HeadPoller;
  readonly #listener: PostgresChangeListener;
  readonly #callTimeoutMs: number;
  #closed = false;

  private constructor(
    target: PostgresTarget,
    pool: pg.Pool,
    config: pg.ClientConfig,
    options: PostgresDocumentStoreOptions,
  ) {
    this.#target = target;
    this.location = target.location;
    this.#pool = pool;
    this.#poller = new HeadPoller(() => this.headVersion(), options.pollIntervalMs ?? 2000);
    this.#listener = new PostgresChangeListener(config, () => void this.#poller.check());
    this.#callTimeoutMs = resolveSessionLimits(options.limits).callTimeoutMs;
  }

  /** Connects, creates the `?schema=` schema if missing and applies pending migrations. */
  static async open(url: string, options: PostgresDocumentStoreOptions = {}): Promise<PostgresDocumentStore> {
    const target = parsePostgresUrl(url);
    const config: pg.ClientConfig = {
      connectionString: target.connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      // Names the pool's connections in pg_stat_activity (and lets tests terminate exactly them).
      application_name: target.explicitSchema ? `s2s:${target.schema}` : 's2s',
      // Statement, lock and idle-in-transaction timeouts, TCP keepalive, a bound per query.
      ...sessionConfig(resolveSessionLimits(options.limits)),
      ...(target.explicitSchema ? { options: `-c search_path=${quoteIdentifier(target.schema)}` } : {}),
    };
    const pool = new pg.Pool({ ...config, max: options.maxConnections ?? 10 });
    // An idle connection killed by the server (restart, pg_terminate_backend) must not crash the
    // process: the pool drops it, and the next query opens a new one or reports ERR_STORE_UNAVAILABLE.
    pool.on('error', () => undefined);
    // Every client, for its whole life: a backend killed while the client is in transit between the pool
    // and a caller (pg-pool has dropped its idle listener, the caller has not attached one yet) must not
    // become an uncaught 'error'. Failing queries still reject; idle failures still reach the pool.
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client, target);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw postgresFailure(err, 'open', target);
    }
    return new PostgresDocumentStore(target, pool, config, options);
  }

  async get<T = unknown>(kind: DocumentKind, key: string): Promise<StoredDocument<T> | undefined> {
    const rows = await this.#query<DocumentRow>(
      'get',
      `SELECT ${COLUMNS} FROM documents WHERE kind = $1 AND key = $2`,
      [kind, key],
    );
    return rows[0] === undefined ? undefined : toDocument<T>(rows[0]);
  }

  async list<T = unknown>(kind: DocumentKind, prefix = ''): Promise<StoredDocument<T>[]> {
    const sql = `SELECT ${COLUMNS} FROM documents WHERE kind = $1 AND starts_with(key, $2) ORDER BY key`;
    return (await this.#query<DocumentRow>('list', sql, [kind, prefix])).map((row) => toDocument<T>(row));
  }

  async write(operations: readonly WriteOperation[], context: WriteContext = {}): Promise<WriteResult> {
    const bodies = encodeWriteBatch(operations);
    checkUnlogged(operations, context.unlogged);
    const result = await this.#transaction('write', 'BEGIN', async (client) => {
      // FIRST the lock: from here to COMMIT no other batch can read the head or commit (see header).
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        WRITE_LOCK_CLASS,
        this.#target.schema,
      ]);
      // clock_timestamp(), not now(): taken under the lock, so commit times follow version order.
      const head = await client.query<{ v: string; at: Date }>(HEAD_AND_TIME);
      const logged = context.unlogged !== true;
      const version = Number(head.rows[0]!.v) + (logged ? 1 : 0);
      const at = head.rows[0]!.at.toISOString();
      await checkExpectations(client, operations);
      await applyBatch(client, operations, bodies, version, at, context.actor ?? null, logged);
      if (logged) await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(version)]);
      failpoint('store.write.before-commit');
      return { version, at };
    });
    failpoint('store.write.after-commit');
    return result;
  }

  async headVersion(): Promise<number> {
    return Number((await this.#query<{ v: string }>('headVersion', HEAD))[0]!.v);
  }

  async changesSince(afterVersion: number, limit?: number): Promise<ChangeEntry[]> {
    checkChangeLimit(limit);
    const sql = `SELECT ${CHANGE_COLUMNS} FROM changes WHERE version > $1 ORDER BY version, kind, key LIMIT $2`;
    const rows = (
      await this.#query<ChangeRow>('changesSince', sql, [
        afterVersion,
        limit === undefined ? null : limit + 1,
      ])
    ).map(toChange);
    if (limit === undefined) return rows;
    const { entries, splitVersion } = trimToWholeBatches(rows, limit);
    if (splitVersion === undefined) return entries;
    const batch = `SELECT ${CHANGE_COLUMNS} FROM changes WHERE version = $1 ORDER BY kind, key`;
    return (await this.#query<ChangeRow>('changesSince', batch, [splitVersion])).map(toChange);
  }

  async pruneChanges(before: Date): Promise<number> {
    return this.#transaction('pruneChanges', 'BEGIN', async (client) => {
      // Under the write lock, so the head this reads is the head when the rows go.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        WRITE_LOCK_CLASS,
        this.#target.schema,
      ]);
      const { rowCount } = await client.query(
        'DELETE FROM changes WHERE at < $1 AND version < (SELECT max(version) FROM changes)',
        [before.toISOString()],
      );
      return rowCount ?? 0;
    });
  }

  async snapshot(kinds?: readonly DocumentKind[]): Promise<StoreSnapshot> {
    // One REPEATABLE READ transaction: the head and the documents come from the same MVCC snapshot.
    return this.#transaction(
      'snapshot',
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      async (client) => {
        const version = Number((await client.query<{ v: string }>(HEAD)).rows[0]!.v);
        const { rows } =
          kinds === undefined
            ? await client.query<DocumentRow>(`SELECT ${COLUMNS} FROM documents ORDER BY kind, key`)
            : await client.query<DocumentRow>(
                `SELECT ${COLUMNS} FROM documents WHERE kind = ANY($1::text[]) ORDER BY kind, key`,
                [kinds],
              );
        return { version, documents: rows.map((row) => toDocument(row)) };
      },
    );
  }

  async serverTime(): Promise<Date> {
    return (await this.#query<{ now: Date }>('serverTime', 'SELECT now() AS now'))[0]!.now;
  }

  /** LISTEN/NOTIFY for speed, plus a slow poll so a notification lost to a reconnect is still seen. */
  subscribe(listener: (version: number) => void): () => void {
    if (this.#closed) return () => undefined;
    const unsubscribe = this.#poller.add(listener);
    this.#listener.start();
    return unsubscribe;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#poller.stop();
    await this.#listener.stop();
    await this.#pool.end();
  }

  async #query<R extends pg.QueryResultRow>(
    operation: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<R[]> {
    this.#assertOpen();
    try {
      return (await this.#pool.query<R>(sql, params)).rows;
    } catch (err) {
      throw postgresFailure(err, operation, this.#target);
    }
  }

  /**
   * One transaction on one pooled connection, bounded by the call timeout as a whole: past it the
   * connection is destroyed (its session ends, so the server rolls back and frees the write lock) and
   * the call fails with ERR_STORE_UNAVAILABLE instead of waiting for TCP to give up.
   */
  async #transaction<R>(
    operation: string,
    begin: string,
    body: (client: pg.PoolClient) => Promise<R>,
  ): Promise<R> {
    this.#assertOpen();
    try {
      return await withConnection(this.#pool, this.#callTimeoutMs, async (client, stage) => {
        await client.query(begin);
        const result = await body(client);
        stage('commit');
        await client.query('COMMIT');
        return result;
      });
    } catch (err) {
      throw postgresFailure(err, operation, this.#target);
    }
  }

  #assertOpen(): void {
    if (this.#closed)
      throw sharedError('ERR_STORE_UNAVAILABLE', `the PostgreSQL store ${this.location} is closed`, {
        location: this.location,
      });
  }
}

function toDocument<T>(row: DocumentRow): StoredDocument<T> {
  const body = decodeBody(row.kind, row.key, row.body) as T;
  return { kind: row.kind, key: row.key, body, version: Number(row.version), updatedAt: row.updated_at };
}

function toChange(row: ChangeRow): ChangeEntry {
  const entry: ChangeEntry = {
    version: Number(row.version),
    kind: row.kind,
    key: row.key,
    op: row.op,
    at: row.at,
  };
  return row.actor === null ? entry : { ...entry, actor: row.actor };
}
