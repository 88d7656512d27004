/** What the contract suite needs from an implementation's test file, and the helpers its tests share. */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentKind, DocumentStore, Expectation, WriteOperation } from '../document-store.ts';

/** A fresh, empty backing store (a temp SQLite file, a PostgreSQL schema, shared memory). */
export interface ContractBackend {
  /** Opens one more instance over the same data: another process, as far as the store can tell. */
  open(): Promise<DocumentStore>;
}

/** Makes a fresh backend for one test; returns undefined after calling `t.skip()` when it is unavailable. */
export type OpenFresh = (t: TestContext) => Promise<ContractBackend | undefined>;

/** Runs `body` with an opener over a fresh backend, closing every instance it opened afterwards. */
export async function withBackend(
  t: TestContext,
  openFresh: OpenFresh,
  body: (open: () => Promise<DocumentStore>, t: TestContext) => Promise<void>,
): Promise<void> {
  const backend = await openFresh(t);
  if (backend === undefined) return;
  const opened: DocumentStore[] = [];
  const open = async (): Promise<DocumentStore> => {
    const store = await backend.open();
    opened.push(store);
    return store;
  };
  try {
    await body(open, t);
  } finally {
    await Promise.all(opened.map((store) => store.close()));
  }
}

/** A put operation (default expectation: 'any'). */
export function put(
  kind: DocumentKind,
  key: string,
  body: unknown,
  expect: Expectation = 'any',
): WriteOperation {
  return { op: 'put', kind, key, body, expect };
}

/** Asserts that `promise` rejects with an S2sError carrying `code`. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.equal((err as { code?: unknown }).code, code, `expected ${code}, got ${String(err)}`);
    return true;
  });
}

/** Resolves with the first value `predicate` accepts from a subscription, or rejects after `ms`. */
export function nextVersion(
  store: DocumentStore,
  predicate: (version: number) => boolean,
  // A bound for a broken store, not a speed target: generous so that a loaded machine does not trip it.
  ms = 60_000,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no subscription call within ${ms} ms`));
    }, ms);
    const unsubscribe = store.subscribe((version) => {
      if (!predicate(version)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(version);
    });
  });
}
