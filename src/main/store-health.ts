/**
 * What readiness knows about the store (docs/server.md "Readiness"): whether the configuration can be
 * read, whether the last write failed for a reason other than a refusal (a full disk: SQLITE_FULL,
 * PostgreSQL out of reach), and on a pool node the state of its link to the central store and of its
 * replica file. Reads are never slowed: only `write` is observed.
 */
import { S2sError } from '../core/index.ts';
import type { DocumentStore } from '../store/document-store.ts';
import type { StoreHealthFacts } from './server-readiness.ts';

/** Refusals that say nothing about the store's health: the store answered and chose to refuse. */
const REFUSALS = new Set(['ERR_STORE_CONFLICT', 'ERR_INVALID_INPUT', 'ERR_STORE_BUSY']);

/** The outcome of the last write attempt that reached the store. */
export class WriteHealth {
  #failure: string | null = null;

  /** Code (and driver reason) of the last failed write, null after a success. */
  get lastFailure(): string | null {
    return this.#failure;
  }

  succeeded(): void {
    this.#failure = null;
  }

  failed(err: unknown): void {
    if (err instanceof S2sError && REFUSALS.has(err.code)) return;
    const code = err instanceof S2sError ? err.code : 'ERR_INTERNAL';
    const reason = (err as { details?: { reason?: unknown } }).details?.reason;
    this.#failure = typeof reason === 'string' && reason !== 'unknown' ? `${code}: ${reason}` : code;
  }
}

/**
 * The same store (every method and property of the original, pool-node extras included) with its
 * writes observed by `health`.
 */
export function observeWrites<S extends DocumentStore>(store: S, health: WriteHealth): S {
  const write: DocumentStore['write'] = async (operations, context) => {
    try {
      const result = await store.write(operations, context);
      health.succeeded();
      return result;
    } catch (err) {
      health.failed(err);
      throw err;
    }
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'write') return write;
      const value = Reflect.get(target, prop, target) as unknown;
      // Bound to the original: class stores keep their state in private fields.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A pool node's replicated store exposes its link health (see src/replication, heartbeats every 5 s). */
interface PoolHealthSource {
  health(): {
    centralReachable: boolean;
    replicaWriteError: string | null;
    heartbeatError: string | null;
  };
}

function isPoolNode(store: DocumentStore): store is DocumentStore & PoolHealthSource {
  return typeof (store as Partial<PoolHealthSource>).health === 'function';
}

/** The store facts readiness decides on. */
export async function storeHealthFacts(store: DocumentStore, writes: WriteHealth): Promise<StoreHealthFacts> {
  const readable = await store.headVersion().then(
    () => true,
    () => false,
  );
  if (!isPoolNode(store)) return { readable, lastWriteFailure: writes.lastFailure };
  const link = store.health();
  return {
    readable,
    centralReachable: link.centralReachable,
    // The heartbeat writes to the central store every few seconds: its outcome is the current state of
    // writes (an administrator's failed write long ago is not), and it clears once the store takes writes.
    lastWriteFailure: link.heartbeatError,
    replicaWriteFailure: link.replicaWriteError,
  };
}
