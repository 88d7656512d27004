/**
 * The DocumentStore every service of a pool node uses (docs/replication.md; docs/protocol.md §7): services stay unchanged.
 *
 * - Reads (get, list, snapshot, headVersion) come from the node's in-memory snapshot, which is swapped
 *   whole, so a request never sees a mixture of old and new configuration, and keep working while
 *   PostgreSQL is down.
 * - Writes go to the central store; once committed, the call waits (bounded) until this node's snapshot
 *   has applied that version, so the writer reads its own write. With the central store down, writes
 *   fail with ERR_STORE_UNAVAILABLE and nothing is written; what was already committed stays committed.
 * - `subscribe` announces the versions this node has applied (not merely committed centrally).
 */
import { S2sError, sharedError } from '../core/index.ts';
import type {
  ChangeEntry,
  DocumentKind,
  DocumentStore,
  StoredDocument,
  StoreSnapshot,
  WriteContext,
  WriteOperation,
  WriteResult,
} from '../store/document-store.ts';
import type { FollowerHealth, ReplicaFollower } from './replica-follower.ts';
import type { ReplicationLogger } from './replication-logger.ts';
import { isReplicated } from './replica-snapshot.ts';

/** Cleanup run on close, before the central store is closed (e.g. stopping the heartbeat). */
export type CloseHook = () => Promise<void>;

/** A pool node's view of the store: local snapshot for reads, central store for writes. */
export class ReplicatedDocumentStore implements DocumentStore {
  readonly dialect: DocumentStore['dialect'];
  readonly location: string;
  /** This node's FQDN. */
  readonly nodeName: string;
  readonly #central: DocumentStore;
  readonly #follower: ReplicaFollower;
  readonly #logger: ReplicationLogger;
  readonly #readYourWritesMs: number;
  readonly #closeHooks: CloseHook[] = [];
  /** Highest version committed by a write through this node (a version token is at least this). */
  #highestCommitted = 0;
  #closed: Promise<void> | undefined;

  constructor(
    central: DocumentStore,
    follower: ReplicaFollower,
    options: { nodeName: string; logger: ReplicationLogger; readYourWritesMs: number },
  ) {
    this.dialect = central.dialect;
    this.location = central.location;
    this.nodeName = options.nodeName;
    this.#central = central;
    this.#follower = follower;
    this.#logger = options.logger;
    this.#readYourWritesMs = options.readYourWritesMs;
  }

  /** The store version of the configuration this node serves. */
  get appliedVersion(): number {
    return this.#follower.snapshot.version;
  }

  /** Link state to the central store (for health endpoints and heartbeats). */
  health(): FollowerHealth {
    return this.#follower.health();
  }

  /** Catches up with the central store now (tests, admin "sync now"); never throws. */
  sync(): Promise<void> {
    return this.#follower.sync();
  }

  /** Rebuilds the replica from a full copy of the central store (`replication invoke --rebuild`); returns its version. */
  rebuild(): Promise<number> {
    this.#assertOpen();
    return this.#follower.rebuild();
  }

  /** Registers cleanup to run on close (before the central store closes). */
  onClose(hook: CloseHook): void {
    this.#closeHooks.push(hook);
  }

  async get<T = unknown>(kind: DocumentKind, key: string): Promise<StoredDocument<T> | undefined> {
    this.#assertOpen();
    if (!isReplicated(kind, key))
      return this.#central.get<T>(kind, key).catch((err: unknown) => {
        throw this.#unavailable(err, 'cannot read mailbox data');
      });
    return this.#follower.snapshot.get<T>(kind, key);
  }

  async list<T = unknown>(kind: DocumentKind, prefix?: string): Promise<StoredDocument<T>[]> {
    this.#assertOpen();
    if (!isReplicated(kind, prefix))
      return this.#central.list<T>(kind, prefix).catch((err: unknown) => {
        throw this.#unavailable(err, 'cannot read mailbox data');
      });
    return this.#follower.snapshot.list<T>(kind, prefix);
  }

  /** From the replica when every kind asked for is replicated; otherwise one consistent read of the central store. */
  async snapshot(kinds?: readonly DocumentKind[]): Promise<StoreSnapshot> {
    this.#assertOpen();
    // Without kinds: every document the node holds, i.e. the configuration (mailbox items live centrally).
    if ((kinds ?? []).some((k) => !isReplicated(k)))
      return this.#central.snapshot(kinds).catch((err: unknown) => {
        throw this.#unavailable(err, 'cannot read mailbox data');
      });
    const snap = this.#follower.snapshot;
    return { version: snap.version, documents: snap.documents(kinds) };
  }

  /** The version this node serves (consistent with what get/list return), not the central head. */
  async headVersion(): Promise<number> {
    this.#assertOpen();
    return this.#follower.snapshot.version;
  }

  async write(operations: readonly WriteOperation[], context?: WriteContext): Promise<WriteResult> {
    this.#assertOpen();
    const result = await this.#central.write(operations, context).catch(async (err: unknown) => {
      // A conflict means this node read a document another node has changed since: catch up (bounded)
      // before answering, so the caller's next read sees the winner and a retry can succeed.
      if (err instanceof S2sError && err.code === 'ERR_STORE_CONFLICT')
        await Promise.race([this.#follower.sync(), delay(this.#readYourWritesMs)]);
      throw this.#unavailable(err, 'accepts no changes');
    });
    this.#highestCommitted = Math.max(this.#highestCommitted, result.version);
    await this.#readYourWrite(result.version);
    return result;
  }

  /**
   * A version token for read-your-writes on any node (docs/storage.md "Consistency"): at least the
   * version of every write this node committed and of everything it serves. Another node that has
   * applied this version serves all of it.
   */
  versionToken(): number {
    return Math.max(this.#highestCommitted, this.#follower.snapshot.version);
  }

  /**
   * Waits (at most `ms`) until this node serves `version` or later, asking for a catch-up at once;
   * resolves whether it does.
   */
  async waitForVersion(version: number, ms: number): Promise<boolean> {
    this.#assertOpen();
    if (this.#follower.snapshot.version >= version) return true;
    void this.#follower.sync();
    return this.#follower.waitFor(version, ms);
  }

  /** The central change log (audit); it is not served from the replica. */
  async changesSince(afterVersion: number, limit?: number): Promise<ChangeEntry[]> {
    this.#assertOpen();
    return this.#central.changesSince(afterVersion, limit).catch((err: unknown) => {
      throw this.#unavailable(err, 'cannot read the change log');
    });
  }

  async serverTime(): Promise<Date> {
    this.#assertOpen();
    return this.#central.serverTime().catch((err: unknown) => {
      throw this.#unavailable(err, 'cannot read the store clock');
    });
  }

  subscribe(listener: (version: number) => void): () => void {
    let seen = -1;
    const deliver = (version: number): void => {
      if (version <= seen) return;
      seen = version;
      listener(version);
    };
    const off = this.#follower.onApplied((s) => deliver(s.version));
    const first = setImmediate(() => deliver(this.#follower.snapshot.version));
    return () => {
      clearImmediate(first);
      off();
    };
  }

  /** Stops following and heartbeats, writes the replica once more, and closes the central store. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      for (const hook of this.#closeHooks) await hook().catch(() => undefined);
      await this.#follower.stop();
      await this.#central.close();
    })();
    return this.#closed;
  }

  /**
   * Read-your-writes: wait (bounded) for the snapshot to reach the committed version, asking for a
   * catch-up at once rather than waiting for the notification; after the bound, poll once directly.
   */
  async #readYourWrite(version: number): Promise<void> {
    void this.#follower.sync();
    if (await this.#follower.waitFor(version, this.#readYourWritesMs)) return;
    await Promise.race([this.#follower.sync(), delay(this.#readYourWritesMs)]);
    if (this.appliedVersion < version) {
      this.#logger.warn(
        { version, appliedVersion: this.appliedVersion },
        'write committed but not yet applied on this node',
      );
    }
  }

  /** Keeps domain refusals (conflict, invalid input) as they are; anything else means the store is out of reach. */
  #unavailable(err: unknown, what: string): S2sError {
    if (err instanceof S2sError && err.code !== 'ERR_STORE_UNAVAILABLE') return err;
    return sharedError(
      'ERR_STORE_UNAVAILABLE',
      `the central store ${this.location} is unreachable: this pool node serves its local replica (version ${this.appliedVersion}) and ${what} until it returns`,
      { location: this.location, node: this.nodeName, appliedVersion: this.appliedVersion },
      err,
    );
  }

  #assertOpen(): void {
    if (this.#closed !== undefined)
      throw sharedError('ERR_STORE_UNAVAILABLE', `the replicated store of node ${this.nodeName} is closed`);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
