/**
 * What the primary and the workers of `s2s server start --workers N` say to each other over node:cluster's
 * IPC channel (docs/server.md "Workers"). Every message carries `s2s` (its kind), so nothing else on the
 * channel (node:cluster's own, prom-client's) is mistaken for one.
 */
import type { LockoutDocument } from '../services/admin/admin-documents.ts';
import type { InvokeOutcome } from './replication-invoke-files.ts';

/** The environment variable naming a worker's slot (1…N); set by the primary on the processes it forks. */
export const WORKER_SLOT_ENV = 'S2S_CLUSTER_WORKER';

/** How long (ms) the primary waits for the workers' series when /metrics gathers them. */
export const METRICS_GATHER_MS = 2_000;

/** A start-up failure, as the CLI reports it (code, category, one line, the fix). */
export interface ReportedError {
  readonly code: string;
  readonly category: string;
  readonly message: string;
  readonly fix?: string | undefined;
  readonly details?: Record<string, unknown> | undefined;
}

/** Worker → primary. */
export type WorkerMessage =
  /** Listening (not yet ready): where. */
  | {
      readonly s2s: 'listening';
      readonly url: string;
      readonly adminUrl: string;
      readonly host: string;
      readonly port: number;
    }
  /** Start-up failed; the worker exits next. */
  | { readonly s2s: 'failed'; readonly error: ReportedError }
  /** The answer to `invoke`. */
  | { readonly s2s: 'invoked'; readonly outcome: InvokeOutcome }
  /** /metrics was asked of this worker: the series of every worker, please. */
  | { readonly s2s: 'gather-metrics'; readonly id: number }
  /** This worker's own series, for the gathering `id`. */
  | { readonly s2s: 'metrics'; readonly id: number; readonly text: string }
  /** A failed sign-in of an unknown administrator name: for the other workers (docs/admin.md "Lockout"). */
  | UnknownAdminName;

/** The lockout state of an unknown administrator name after a failed sign-in in some worker. */
export interface UnknownAdminName {
  readonly s2s: 'unknown-admin-name';
  readonly name: string;
  readonly lock: LockoutDocument;
}

/** Primary → worker. */
export type PrimaryMessage =
  /** Start-up has finished (bootstrap included): /readyz may say ready. */
  | { readonly s2s: 'started' }
  /** Re-sync or rebuild the replica (`s2s replication invoke`). */
  | { readonly s2s: 'invoke'; readonly id: string; readonly rebuild: boolean }
  /** Send your own series for the gathering `id`. */
  | { readonly s2s: 'collect-metrics'; readonly id: number }
  /** The series of every worker, answering `gather-metrics` `id`. */
  | { readonly s2s: 'gathered-metrics'; readonly id: number; readonly text: string }
  /** Another worker's failed sign-in of an unknown name. */
  | UnknownAdminName;

/** Whether `message` is one of ours. */
export function isClusterMessage<T extends { s2s: string }>(message: unknown): message is T {
  return (
    typeof message === 'object' && message !== null && typeof (message as { s2s?: unknown }).s2s === 'string'
  );
}
