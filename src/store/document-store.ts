/**
 * The central configuration store: the port every implementation (SQLite, PostgreSQL) satisfies.
 *
 * The store holds versioned JSON documents addressed by (kind, key). Every committed write batch gets
 * the next value of one store-wide, strictly increasing **version**; each document remembers the version
 * that last wrote it, which doubles as its optimistic-concurrency token. A `changes` log records every
 * put and delete with its version, so replicas can follow the store (docs/replication.md) and operators can audit it.
 *
 * Guarantees every implementation must give (checked by `contract/document-store-contract.ts`):
 * - `write` is atomic: all operations of a batch commit together or none does, even if the process dies.
 * - Expectations are checked inside the transaction; a failed one aborts the batch with ERR_STORE_CONFLICT.
 * - Versions are strictly increasing in commit order (a reader that saw version N has seen every batch ≤ N).
 * - `snapshot` is a consistent read: the documents exactly as of `version`.
 */

/** Document kinds; one per aggregate. */
export type DocumentKind =
  | 'oauth-config' // singleton, key 'global'
  | 'certificate' // key: SHA-1 thumbprint (upper-case hex)
  | 'assignment' // key: `${identity}/${usage}`
  | 'partner' // key: partner identity (lower-cased)
  | 'oauth-server' // key: OAuth server identity
  | 'user' // key: sip address (lower-cased, without `sip:`)
  | 'mailbox-item' // key: `${sip}/${folder}/${itemId}`
  | 'trusted-root' // key: SHA-1 thumbprint
  | 'ca' // key: CA name
  | 'ca-template' // key: template name
  | 'ca-issued' // key: `${caName}/${serialHex}`
  | 'certificate-request' // key: request id (decimal)
  | 'node' // key: node fqdn
  | 'counter' // key: counter name (request ids, ...)
  | 'renewal-policy' // key: certificate usage (docs/renewal.md)
  | 'renewal' // key: `${identity}/${usage}`: renewal state and the renewing node's lease
  | 'admin' // key: administrator name (lower-cased)
  | 'admin-lockout' // key: administrator name: failed sign-ins and lockout
  | 'admin-token' // key: API token id
  | 'admin-session' // key: SHA-256 (hex) of the session id
  | 'audit'; // key: `${ISO time}/${random}`, append-only

/** A stored document. `body` is plain JSON (never contains a plaintext private key). */
export interface StoredDocument<T = unknown> {
  readonly kind: DocumentKind;
  readonly key: string;
  readonly body: T;
  /** Version of the batch that last wrote this document (its concurrency token). */
  readonly version: number;
  /** When that batch committed (ISO 8601, store clock). */
  readonly updatedAt: string;
}

/** What a write operation expects about the document before it is applied. */
export type Expectation =
  /** The document must not exist. */
  | 'absent'
  /** No expectation: last writer wins (use only for data no two administrators edit, e.g. counters). */
  | 'any'
  /** The document must exist at exactly this version. */
  | number;

export type WriteOperation =
  | {
      readonly op: 'put';
      readonly kind: DocumentKind;
      readonly key: string;
      readonly body: unknown;
      readonly expect: Expectation;
    }
  | {
      readonly op: 'delete';
      readonly kind: DocumentKind;
      readonly key: string;
      readonly expect: Expectation;
    };

/** One entry of the change log. */
export interface ChangeEntry {
  readonly version: number;
  readonly kind: DocumentKind;
  readonly key: string;
  readonly op: 'put' | 'delete';
  readonly at: string;
  /** `WriteContext.actor` of the batch, when one was given. */
  readonly actor?: string;
}

/** The result of a committed batch. */
export interface WriteResult {
  readonly version: number;
  readonly at: string;
}

/** A consistent copy of every document (optionally of some kinds) as of `version`. */
export interface StoreSnapshot {
  readonly version: number;
  readonly documents: readonly StoredDocument[];
}

/** Metadata a writer attaches to a batch (recorded in the change log; never secrets). */
export interface WriteContext {
  /** Who made the change: `cli:<user>@<host>`, `node:<fqdn>`, ... */
  readonly actor?: string;
  /**
   * Pool membership records only (kind `node`; any other kind is ERR_INVALID_INPUT): the batch is
   * written under the same lock and expectations, but adds no change-log entry, takes no new version
   * (its documents get the current head as their version, and the result names it) and wakes no
   * follower. Heartbeats use it so they never grow the change log (docs/replication.md).
   */
  readonly unlogged?: boolean;
}

export interface DocumentStore {
  /** `sqlite` or `postgres`. */
  readonly dialect: 'sqlite' | 'postgres';
  /** A human-readable location without credentials (file path, or postgres://host:port/db). */
  readonly location: string;

  get<T = unknown>(kind: DocumentKind, key: string): Promise<StoredDocument<T> | undefined>;
  /** Documents of a kind, ordered by key; `prefix` restricts to keys starting with it. */
  list<T = unknown>(kind: DocumentKind, prefix?: string): Promise<StoredDocument<T>[]>;
  /** Applies a batch atomically; throws ERR_STORE_CONFLICT (nothing written) when an expectation fails. */
  write(operations: readonly WriteOperation[], context?: WriteContext): Promise<WriteResult>;
  /** The highest committed version (0 for an empty store). */
  headVersion(): Promise<number>;
  /**
   * Change-log entries with version > `afterVersion`, oldest first (by version, then kind and key), at
   * most `limit` — except that a batch is never split: the entries stop at a batch boundary, and when
   * the first batch alone has more than `limit` entries it is returned whole.
   */
  changesSince(afterVersion: number, limit?: number): Promise<ChangeEntry[]>;
  /** A consistent read of all documents (or of the given kinds). */
  snapshot(kinds?: readonly DocumentKind[]): Promise<StoreSnapshot>;
  /** The store's clock (database `now()`), for clock-offset health checks. */
  serverTime(): Promise<Date>;
  /**
   * Calls `listener` with the current head version soon after subscribing, then with the new head
   * version soon after any batch commits (from any process); never twice with the same or a lower
   * version (it may skip versions). PostgreSQL uses LISTEN/NOTIFY plus a slow poll; SQLite polls.
   * Returns an unsubscribe function.
   */
  subscribe(listener: (version: number) => void): () => void;
  close(): Promise<void>;
  /**
   * Deletes change-log entries committed before `before`, never an entry of the head version (the head
   * is the highest version in the log). Versions of logged batches are gap-free, so a follower whose
   * next entry is missing knows the log was pruned past it and takes a full snapshot instead
   * (docs/store.md "Retention"). Returns the number of entries deleted. Optional: only stores with a
   * change log that can grow (SQLite, PostgreSQL; the memory fake for tests) implement it.
   */
  pruneChanges?(before: Date): Promise<number>;
}
