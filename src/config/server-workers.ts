/**
 * How many server processes `s2s server start` runs (docs/server.md "Workers"): `--workers N`, else
 * `S2S_WORKERS`, else one per core (`os.availableParallelism()`, at most {@link WORKER_LIMITS.max}).
 * One serves in the `s2s` process itself; two or more run a node:cluster primary and N workers.
 */
import { availableParallelism } from 'node:os';
import { storageError } from '../core/storage/storage-errors.ts';

/** The accepted range, declared once. */
export const WORKER_LIMITS = {
  min: 1,
  /** A ceiling well above any core count s2s is deployed on; each worker holds its own store connection. */
  max: 64,
} as const;

/**
 * The number of workers; ERR_SERVER_WORKERS when the flag or the variable is not a whole number in
 * range (the flag is checked first and wins).
 */
export function resolveWorkerCount(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cores: () => number = availableParallelism,
): number {
  if (flag !== undefined) return parseWorkers(flag, '--workers');
  const fromEnv = env.S2S_WORKERS?.trim();
  if (fromEnv) return parseWorkers(fromEnv, 'S2S_WORKERS');
  return Math.min(WORKER_LIMITS.max, Math.max(WORKER_LIMITS.min, Math.trunc(cores()) || 1));
}

function parseWorkers(text: string, source: string): number {
  const value = /^\s*\d{1,3}\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= WORKER_LIMITS.min && value <= WORKER_LIMITS.max))
    throw storageError(
      'ERR_SERVER_WORKERS',
      `${source} must be a whole number from ${WORKER_LIMITS.min} to ${WORKER_LIMITS.max}, got '${text.slice(0, 40)}'`,
      { source, value: text.slice(0, 40) },
    );
  return value;
}
