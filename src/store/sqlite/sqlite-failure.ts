/** Turns better-sqlite3 failures into store error codes (the file path is safe to show; it has no secret). */
import { S2sError, sharedError } from '../../core/index.ts';

/** Maps a thrown value from an operation on the SQLite store at `location` to an S2sError. */
export function sqliteFailure(err: unknown, operation: string, location: string): S2sError {
  if (err instanceof S2sError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const details = { location, operation, reason: code || 'unknown' };
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') {
    return sharedError(
      'ERR_STORE_BUSY',
      `the SQLite store ${location} stayed locked by another process during ${operation}`,
      details,
      err,
    );
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT_')) {
    return sharedError(
      'ERR_STORE_CORRUPT',
      `${location} is not a readable s2s SQLite store (${code})`,
      details,
      err,
    );
  }
  if (/^SQLITE_(CANTOPEN|READONLY|IOERR|FULL|PERM|AUTH)/.test(code) || /^E[A-Z]+$/.test(code)) {
    return sharedError(
      'ERR_STORE_UNAVAILABLE',
      `the SQLite store ${location} could not be used for ${operation} (${code})`,
      details,
      err,
    );
  }
  return sharedError(
    'ERR_INTERNAL',
    `SQLite store ${operation} failed (${code || (err as Error)?.message || 'unknown'})`,
    details,
    err,
  );
}
