/**
 * A central store opened on first use and re-opened after a failed attempt, so a pool node can start
 * from its local replica while PostgreSQL is down (opening the PostgreSQL store connects and migrates,
 * which fails then). Every call before a successful open fails with ERR_STORE_UNAVAILABLE.
 */
import { S2sError, sharedError } from '../core/index.ts';
import type { DocumentStore } from '../store/document-store.ts';

/** Wraps `open` as a DocumentStore that connects lazily; `location` must equal the opened store's. */
export function deferredStore(
  open: () => Promise<DocumentStore>,
  location: string,
  dialect: DocumentStore['dialect'] = 'postgres',
): DocumentStore {
  let opened: DocumentStore | undefined;
  let opening: Promise<DocumentStore> | undefined;
  let closed = false;
  const listeners = new Map<(version: number) => void, () => void>();
  const ready = (): Promise<DocumentStore> => {
    if (closed)
      return Promise.reject(sharedError('ERR_STORE_UNAVAILABLE', `the store ${location} is closed`));
    if (opened !== undefined) return Promise.resolve(opened);
    opening ??= open().then(
      (store) => {
        opened = store;
        for (const listener of listeners.keys()) listeners.set(listener, store.subscribe(listener));
        return store;
      },
      (err: unknown) => {
        opening = undefined; // the next call tries again
        throw err instanceof S2sError
          ? err
          : sharedError(
              'ERR_STORE_UNAVAILABLE',
              `the store ${location} could not be opened`,
              { location },
              err,
            );
      },
    );
    return opening;
  };
  return {
    dialect,
    location,
    get: async (kind, key) => (await ready()).get(kind, key),
    list: async (kind, prefix) => (await ready()).list(kind, prefix),
    write: async (ops, context) => (await ready()).write(ops, context),
    headVersion: async () => (await ready()).headVersion(),
    changesSince: async (after, limit) => (await ready()).changesSince(after, limit),
    snapshot: async (kinds) => (await ready()).snapshot(kinds),
    serverTime: async () => (await ready()).serverTime(),
    pruneChanges: async (before) => {
      const store = await ready();
      return store.pruneChanges === undefined ? 0 : store.pruneChanges(before);
    },
    subscribe(listener) {
      listeners.set(listener, opened?.subscribe(listener) ?? (() => undefined));
      return () => {
        listeners.get(listener)?.();
        listeners.delete(listener);
      };
    },
    async close() {
      closed = true;
      listeners.clear();
      await (opened ?? (await opening?.catch(() => undefined)))?.close();
    },
  };
}
