/**
 * Rules every store implementation applies to a write batch before and while running it, so the
 * memory, SQLite and PostgreSQL stores refuse exactly the same batches with the same codes.
 */
import { sharedError } from '../core/index.ts';
import type { ChangeEntry, DocumentKind, Expectation, WriteOperation } from './document-store.ts';

/** Identity of a document inside a batch (`kind` + NUL + `key`). */
export function documentId(kind: DocumentKind, key: string): string {
  return `${kind}\u0000${key}`;
}

/**
 * Checks a batch's shape and encodes every put body as JSON text (what the SQL stores persist).
 * Refuses an empty batch, an empty key and a document named twice: two operations on one document
 * in one batch would share a version, so their order could not be recovered from the change log.
 */
export function encodeWriteBatch(operations: readonly WriteOperation[]): Array<string | undefined> {
  if (operations.length === 0)
    throw sharedError('ERR_INVALID_INPUT', 'a store write batch needs at least one operation');
  const seen = new Set<string>();
  return operations.map((op) => {
    if (typeof op.key !== 'string' || op.key === '')
      throw sharedError('ERR_INVALID_INPUT', `a ${op.kind} document needs a non-empty key`);
    const id = documentId(op.kind, op.key);
    if (seen.has(id))
      throw sharedError('ERR_INVALID_INPUT', `the write batch names ${op.kind}/${op.key} twice`, {
        kind: op.kind,
        key: op.key,
      });
    seen.add(id);
    return op.op === 'put' ? encodeBody(op) : undefined;
  });
}

function encodeBody(op: { kind: DocumentKind; key: string; body: unknown }): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(op.body);
  } catch {
    text = undefined;
  }
  if (text === undefined)
    throw sharedError('ERR_INVALID_INPUT', `the body of ${op.kind}/${op.key} is not JSON`, {
      kind: op.kind,
      key: op.key,
    });
  return text;
}

/** Refuses an unlogged batch (WriteContext.unlogged) that names anything but pool membership records. */
export function checkUnlogged(operations: readonly WriteOperation[], unlogged: boolean | undefined): void {
  if (unlogged !== true) return;
  const other = operations.find((op) => op.kind !== 'node');
  if (other !== undefined)
    throw sharedError(
      'ERR_INVALID_INPUT',
      `only pool membership records (kind node) may be written without a change-log entry, not ${other.kind}/${other.key}`,
      { kind: other.kind, key: other.key },
    );
}

/** Decodes a stored body; damaged JSON is ERR_STORE_CORRUPT naming the document. */
export function decodeBody(kind: string, key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw sharedError('ERR_STORE_CORRUPT', `the stored body of ${kind}/${key} is not valid JSON`, {
      kind,
      key,
    });
  }
}

/** Whether `current` (the document's version, or undefined when absent) satisfies `expect`. */
export function expectationHolds(expect: Expectation, current: number | undefined): boolean {
  if (expect === 'any') return true;
  if (expect === 'absent') return current === undefined;
  return current === expect;
}

/** Throws ERR_STORE_CONFLICT (nothing is written) when `op`'s expectation fails against `current`. */
export function assertExpectation(op: WriteOperation, current: number | undefined): void {
  if (expectationHolds(op.expect, current)) return;
  const found = current === undefined ? 'absent' : `at version ${current}`;
  const wanted = op.expect === 'absent' ? 'absent' : `at version ${op.expect}`;
  throw sharedError(
    'ERR_STORE_CONFLICT',
    `${op.kind}/${op.key} changed since it was read: expected ${wanted}, found ${found}`,
    { kind: op.kind, key: op.key, expected: op.expect, found: current ?? null },
  );
}

/**
 * Trims change-log rows (ordered by version) to at most `limit` entries without splitting a batch, so
 * a follower that applies whole batches never stops half-way through one. `rows` holds up to
 * `limit + 1` entries; when the first batch alone exceeds `limit`, `splitVersion` names it and the
 * caller fetches that batch whole.
 */
export function trimToWholeBatches(
  rows: readonly ChangeEntry[],
  limit: number,
): { entries: ChangeEntry[]; splitVersion?: number } {
  if (rows.length <= limit) return { entries: [...rows] };
  const firstExcluded = rows[limit]!.version;
  const entries = rows.slice(0, limit).filter((row) => row.version !== firstExcluded);
  return entries.length > 0 ? { entries } : { entries, splitVersion: firstExcluded };
}

/** Refuses a `changesSince` limit that is not a positive integer (ERR_INVALID_INPUT). */
export function checkChangeLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw sharedError('ERR_INVALID_INPUT', `a change-log limit must be a positive integer, not ${limit}`);
  }
}
