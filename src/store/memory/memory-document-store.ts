/**
 * An in-memory {@link DocumentStore} for unit tests of services (a fake, not a mock): it honours
 * versions, expectations (ERR_STORE_CONFLICT), the change log, snapshots and subscriptions exactly as
 * the SQLite and PostgreSQL stores do, and passes the same contract suite. Nothing survives the process.
 */
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
import { HeadPoller } from '../head-poller.ts';
import {
  assertExpectation,
  checkUnlogged,
  decodeBody,
  documentId,
  encodeWriteBatch,
  trimToWholeBatches,
  checkChangeLimit,
} from '../write-batch.ts';

/** A document as held in memory: the body stays JSON text so every read returns a fresh copy. */
interface HeldDocument {
  readonly kind: DocumentKind;
  readonly key: string;
  readonly text: string;
  readonly version: number;
  readonly updatedAt: string;
}

/** The data several store instances can share (as processes share one database). */
class MemoryData {
  readonly documents = new Map<string, HeldDocument>();
  readonly changes: ChangeEntry[] = [];
  /** One wake-up per open instance, called after every commit. */
  readonly instances = new Set<() => void>();
  head = 0;
  unavailable = false;
}

/** Options of {@link MemoryDocumentStore}. */
export interface MemoryDocumentStoreOptions {
  /** The store clock (`updatedAt`, `at`, `serverTime`); defaults to the system clock. */
  readonly clock?: Clock;
}

/** In-memory document store; `connect()` opens a second instance over the same data. */
export class MemoryDocumentStore implements DocumentStore {
  /** Behaves as the embedded single-node store does (the port has no third dialect). */
  readonly dialect = 'sqlite' as const;
  readonly location = ':memory:';
  readonly #clock: Clock;
  readonly #data: MemoryData;
  readonly #poller: HeadPoller;
  readonly #wake = (): void => void this.#poller.check();
  #closed = false;

  constructor(options: MemoryDocumentStoreOptions = {}, data: MemoryData = new MemoryData()) {
    this.#clock = options.clock ?? systemClock;
    this.#data = data;
    this.#poller = new HeadPoller(async () => this.#data.head, 0);
    data.instances.add(this.#wake);
  }

  /** Another instance over the same documents (two "processes" on one store). */
  connect(options: MemoryDocumentStoreOptions = { clock: this.#clock }): MemoryDocumentStore {
    return new MemoryDocumentStore(options, this.#data);
  }

  /** Test hook: while on, every operation fails with ERR_STORE_UNAVAILABLE (the database is down). */
  setUnavailable(unavailable: boolean): void {
    this.#data.unavailable = unavailable;
  }

  async get<T = unknown>(kind: DocumentKind, key: string): Promise<StoredDocument<T> | undefined> {
    this.#check();
    const held = this.#data.documents.get(documentId(kind, key));
    return held === undefined ? undefined : toStored<T>(held);
  }

  async list<T = unknown>(kind: DocumentKind, prefix = ''): Promise<StoredDocument<T>[]> {
    this.#check();
    return [...this.#data.documents.values()]
      .filter((d) => d.kind === kind && d.key.startsWith(prefix))
      .sort((a, b) => compareKeys(a.key, b.key))
      .map((d) => toStored<T>(d));
  }

  async write(operations: readonly WriteOperation[], context: WriteContext = {}): Promise<WriteResult> {
    this.#check();
    const bodies = encodeWriteBatch(operations);
    const data = this.#data;
    // Check every expectation before touching anything: a conflict leaves the store as it was.
    for (const op of operations)
      assertExpectation(op, data.documents.get(documentId(op.kind, op.key))?.version);
    checkUnlogged(operations, context.unlogged);
    const logged = context.unlogged !== true;
    const version = data.head + (logged ? 1 : 0);
    const at = this.#clock.now().toISOString();
    operations.forEach((op, i) => {
      const id = documentId(op.kind, op.key);
      if (op.op === 'put')
        data.documents.set(id, { kind: op.kind, key: op.key, text: bodies[i]!, version, updatedAt: at });
      else data.documents.delete(id);
      if (!logged) return;
      const entry: ChangeEntry = { version, kind: op.kind, key: op.key, op: op.op, at };
      data.changes.push(context.actor === undefined ? entry : { ...entry, actor: context.actor });
    });
    if (!logged) return { version, at };
    data.head = version;
    // Like the real stores, listeners hear about the commit asynchronously.
    setImmediate(() => data.instances.forEach((wake) => wake()));
    return { version, at };
  }

  async headVersion(): Promise<number> {
    this.#check();
    return this.#data.head;
  }

  async pruneChanges(before: Date): Promise<number> {
    this.#check();
    const cutoff = before.toISOString();
    const head = this.#data.changes.reduce((max, c) => Math.max(max, c.version), 0);
    const kept = this.#data.changes.filter((c) => !(c.at < cutoff && c.version < head));
    const deleted = this.#data.changes.length - kept.length;
    this.#data.changes.splice(0, this.#data.changes.length, ...kept);
    return deleted;
  }

  async changesSince(afterVersion: number, limit?: number): Promise<ChangeEntry[]> {
    checkChangeLimit(limit);
    this.#check();
    const all = this.#data.changes.filter((c) => c.version > afterVersion).sort(compareChanges);
    if (limit === undefined) return all;
    const { entries, splitVersion } = trimToWholeBatches(all.slice(0, limit + 1), limit);
    return splitVersion === undefined ? entries : all.filter((c) => c.version === splitVersion);
  }

  async snapshot(kinds?: readonly DocumentKind[]): Promise<StoreSnapshot> {
    this.#check();
    const documents = [...this.#data.documents.values()]
      .filter((d) => kinds === undefined || kinds.includes(d.kind))
      .sort((a, b) => compareKeys(a.kind, b.kind) || compareKeys(a.key, b.key))
      .map((d) => toStored(d));
    return { version: this.#data.head, documents };
  }

  async serverTime(): Promise<Date> {
    this.#check();
    return this.#clock.now();
  }

  subscribe(listener: (version: number) => void): () => void {
    if (this.#closed) return () => undefined;
    return this.#poller.add(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#poller.stop();
    this.#data.instances.delete(this.#wake);
  }

  #check(): void {
    if (this.#closed) throw sharedError('ERR_STORE_UNAVAILABLE', 'the in-memory store is closed');
    if (this.#data.unavailable)
      throw sharedError('ERR_STORE_UNAVAILABLE', 'the in-memory store is unavailable (test hook)');
  }
}

function toStored<T>(held: HeldDocument): StoredDocument<T> {
  const body = decodeBody(held.kind, held.key, held.text) as T;
  return { kind: held.kind, key: held.key, body, version: held.version, updatedAt: held.updatedAt };
}

/** UTF-8 byte order, which is what SQLite's BINARY and PostgreSQL's `COLLATE "C"` give. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function compareChanges(a: ChangeEntry, b: ChangeEntry): number {
  return a.version - b.version || compareKeys(a.kind, b.kind) || compareKeys(a.key, b.key);
}
