/**
 * Runs work on one pooled PostgreSQL connection within a time bound (docs/store.md "Time bounds").
 * Past the bound the connection is destroyed at once — a query waiting on a connection that stopped
 * answering rejects, the server sees the session end (or ends it itself after
 * idle_in_transaction_session_timeout) and rolls the transaction back, releasing the write lock — and
 * the call fails instead of waiting for TCP to give up.
 */
import type pg from 'pg';

/** Where in the transaction a failure happened: before COMMIT was sent nothing can have been written. */
export type TransactionStage = 'work' | 'commit';

/** A failed call: the driver's error (or the timeout), and whether COMMIT had been sent. */
export class PostgresCallFailure extends Error {
  /** The driver's error; undefined when the call ran out of time. */
  readonly driverError: unknown;
  readonly timedOut: boolean;
  /** COMMIT was sent and not confirmed: the batch may or may not have been committed. */
  readonly duringCommit: boolean;

  constructor(driverError: unknown, timedOut: boolean, duringCommit: boolean, timeoutMs: number) {
    super(
      timedOut
        ? `no answer within ${timeoutMs} ms`
        : driverError instanceof Error
          ? driverError.message
          : String(driverError),
    );
    this.name = 'PostgresCallFailure';
    this.driverError = driverError;
    this.timedOut = timedOut;
    this.duringCommit = duringCommit;
  }
}

/**
 * Checks a connection out, runs `work`, and returns it healthy (after a ROLLBACK when `work` failed on
 * a live connection) or destroys it. Throws {@link PostgresCallFailure} on any failure.
 */
export async function withConnection<R>(
  pool: pg.Pool,
  timeoutMs: number,
  work: (client: pg.PoolClient, stage: (s: TransactionStage) => void) => Promise<R>,
): Promise<R> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect(); // bounded by connectionTimeoutMillis
  } catch (err) {
    throw new PostgresCallFailure(err, false, false, timeoutMs);
  }
  const lease = new Lease(client);
  const at: { stage: TransactionStage } = { stage: 'work' };
  const deadline = setTimeout(() => lease.release(true), timeoutMs);
  try {
    const result = await work(client, (s) => (at.stage = s));
    lease.release(false);
    return result;
  } catch (err) {
    const timedOut = lease.released;
    // ROLLBACK on a live connection; a broken or timed-out one is destroyed rather than reused.
    const rolledBack =
      !timedOut &&
      at.stage === 'work' &&
      (await client.query('ROLLBACK').then(
        () => true,
        () => false,
      ));
    lease.release(!rolledBack);
    throw new PostgresCallFailure(err, timedOut, at.stage === 'commit', timeoutMs);
  } finally {
    clearTimeout(deadline);
  }
}

/** A checked-out client released exactly once; while out it ignores 'error' events (its query rejects instead). */
class Lease {
  released = false;
  readonly #client: pg.PoolClient;
  // A checked-out client has no pool 'error' listener: a backend killed mid-transaction would otherwise
  // raise an uncaught 'error' and end the process. The failing query still rejects.
  readonly #ignore = (): void => undefined;

  constructor(client: pg.PoolClient) {
    this.#client = client;
    client.on('error', this.#ignore);
  }

  /** Returns the client to the pool, or destroys it (which also aborts a query in flight). */
  release(destroy: boolean): void {
    if (this.released) return;
    this.released = true;
    this.#client.off('error', this.#ignore);
    this.#client.release(destroy ? new Error('connection abandoned') : undefined);
  }
}
