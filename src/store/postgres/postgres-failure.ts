/**
 * Turns `pg` failures into store error codes. A lost or refused connection is ERR_STORE_UNAVAILABLE
 * (callers such as replication keep serving from their replica); anything else is a bug, ERR_INTERNAL.
 * Messages name the location without credentials, and the password is scrubbed from driver text.
 */
import { S2sError, sharedError } from '../../core/index.ts';
import type { PostgresTarget } from './postgres-target.ts';
import { PostgresCallFailure } from './postgres-transaction.ts';

/** SQLSTATE classes and Node error codes that mean "the database cannot be reached right now". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4]|57014|3D000|28|25P03)/;
/** lock_not_available: lock_timeout expired waiting behind another writer. */
const BUSY_SQLSTATE = '55P03';
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const UNAVAILABLE_TEXT =
  /connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Connection terminated|Query read timeout|timeout expired/i;

/** Maps a thrown value from `operation` on the PostgreSQL store `target` to an S2sError. */
export function postgresFailure(err: unknown, operation: string, target: PostgresTarget): S2sError {
  if (err instanceof S2sError) return err;
  if (err instanceof PostgresCallFailure) return callFailure(err, operation, target);
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const text = scrub(err instanceof Error ? err.message : String(err), target.secret);
  const details = { location: target.location, operation, reason: code || 'unknown' };
  if (code === BUSY_SQLSTATE) {
    return sharedError(
      'ERR_STORE_BUSY',
      `another writer held the write lock of the PostgreSQL store ${target.location} too long; nothing was written`,
      details,
    );
  }
  if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code) || UNAVAILABLE_TEXT.test(text)) {
    return sharedError(
      'ERR_STORE_UNAVAILABLE',
      `the PostgreSQL store ${target.location} is unavailable (${code || text})`,
      details,
    );
  }
  return sharedError(
    'ERR_INTERNAL',
    `PostgreSQL store ${operation} failed (${code ? `${code}: ` : ''}${text})`,
    details,
  );
}

/** A failed transaction: a timeout is unavailability; a connection lost after COMMIT leaves the outcome unknown. */
function callFailure(failure: PostgresCallFailure, operation: string, target: PostgresTarget): S2sError {
  const base = failure.timedOut
    ? sharedError(
        'ERR_STORE_UNAVAILABLE',
        `the PostgreSQL store ${target.location} is unavailable (${failure.message})`,
        { location: target.location, operation, reason: 'timeout' },
      )
    : postgresFailure(failure.driverError, operation, target);
  if (base.code !== 'ERR_STORE_UNAVAILABLE' || operation !== 'write') return base;
  const outcome = failure.duringCommit
    ? 'the commit was sent but not confirmed: the change may or may not have been written (read it back)'
    : 'nothing was written';
  return sharedError('ERR_STORE_UNAVAILABLE', `${base.message}; ${outcome}`, {
    ...base.details,
    outcome: failure.duringCommit ? 'unknown' : 'not-written',
  });
}

/** Removes the password from a driver message, should a driver ever echo it. */
function scrub(text: string, secret: string | undefined): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ').slice(0, 300);
  return secret === undefined || secret === '' ? oneLine : oneLine.split(secret).join('***');
}
