/**
 * The statements of one write batch on PostgreSQL, run by the store inside its locked transaction.
 * Each is one round trip whatever the batch size (arrays through unnest).
 */
import type pg from 'pg';
import type { DocumentKind, WriteOperation } from '../document-store.ts';
import { assertExpectation, documentId } from '../write-batch.ts';

/** Reads the current version of every document the batch names and checks each expectation. */
export async function checkExpectations(
  client: pg.PoolClient,
  operations: readonly WriteOperation[],
): Promise<void> {
  const { rows } = await client.query<{ kind: DocumentKind; key: string; version: string }>(
    'SELECT d.kind, d.key, d.version FROM documents d JOIN unnest($1::text[], $2::text[]) AS w(kind, key) ON d.kind = w.kind AND d.key = w.key',
    [operations.map((op) => op.kind), operations.map((op) => op.key)],
  );
  const versions = new Map(rows.map((row) => [documentId(row.kind, row.key), Number(row.version)]));
  for (const op of operations) assertExpectation(op, versions.get(documentId(op.kind, op.key)));
}

/** Writes the puts, deletes and (unless `logged` is false) change-log entries of one batch (three statements whatever its size). */
export async function applyBatch(
  client: pg.PoolClient,
  operations: readonly WriteOperation[],
  bodies: ReadonlyArray<string | undefined>,
  version: number,
  at: string,
  actor: string | null,
  logged = true,
): Promise<void> {
  const puts = operations.flatMap((op, i) => (op.op === 'put' ? [{ op, body: bodies[i]! }] : []));
  const deletes = operations.filter((op) => op.op === 'delete');
  if (puts.length > 0) {
    await client.query(
      `INSERT INTO documents (kind, key, body, version, updated_at)
       SELECT kind, key, body, $4, $5 FROM unnest($1::text[], $2::text[], $3::text[]) AS w(kind, key, body)
       ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body, version = excluded.version, updated_at = excluded.updated_at`,
      [puts.map((p) => p.op.kind), puts.map((p) => p.op.key), puts.map((p) => p.body), version, at],
    );
  }
  if (deletes.length > 0) {
    await client.query(
      'DELETE FROM documents d USING unnest($1::text[], $2::text[]) AS w(kind, key) WHERE d.kind = w.kind AND d.key = w.key',
      [deletes.map((op) => op.kind), deletes.map((op) => op.key)],
    );
  }
  if (!logged) return;
  await client.query(
    `INSERT INTO changes (version, kind, key, op, at, actor)
     SELECT $1, kind, key, op, $2, $3 FROM unnest($4::text[], $5::text[], $6::text[]) AS w(kind, key, op)`,
    [
      version,
      at,
      actor,
      operations.map((op) => op.kind),
      operations.map((op) => op.key),
      operations.map((op) => op.op),
    ],
  );
}
