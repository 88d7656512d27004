/**
 * The files `s2s replication invoke` and a running server exchange in S2S_HOME (docs/replication.md
 * "Invoke"): the CLI writes the request and sends SIGUSR2; the server (with `--workers N`, its primary on
 * behalf of every worker) writes the outcome. Both are written atomically (temp file, rename).
 * Kept apart from the store code, so a cluster primary reads and writes them without loading it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the CLI asks for. */
export interface InvokeRequest {
  readonly id: string;
  readonly rebuild: boolean;
}

/** What the server did. */
export interface InvokeOutcome {
  readonly id: string;
  readonly rebuilt: boolean;
  readonly appliedVersion: number;
  readonly error?: { readonly code: string; readonly message: string };
}

export const invokeRequestPath = (home: string) => join(home, 'replication-invoke.request.json');
export const invokeResultPath = (home: string) => join(home, 'replication-invoke.result.json');

/** Replaces `path` with `value` as JSON (mode 0600), atomically. */
export function writeAtomically(path: string, value: unknown): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** The parsed file, or undefined when it is missing or unreadable. */
export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The pending request, or undefined when there is none (or it is malformed). */
export function readInvokeRequest(home: string): InvokeRequest | undefined {
  const request = readJson<InvokeRequest>(invokeRequestPath(home));
  if (!request || typeof request.id !== 'string') return undefined;
  return { id: request.id, rebuild: request.rebuild === true };
}

/** Writes the outcome the CLI waits for. */
export function writeInvokeOutcome(home: string, outcome: InvokeOutcome): void {
  writeAtomically(invokeResultPath(home), outcome);
}
