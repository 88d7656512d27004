/**
 * Reads during an outage (docs/replication.md "Commands while PostgreSQL is down"): a one-shot command on
 * a pool node whose central store cannot be reached reads the node's local replica instead — the
 * configuration that node serves — and says so, with its version and age. Every write is refused with
 * ERR_STORE_UNAVAILABLE before anything is attempted, saying that nothing was changed.
 */
import type { Clock, SecretBox, Warning } from '../core/index.ts';
import { sharedError } from '../core/index.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { ReplicaFile } from './replica-file.ts';
import { isReplicated, ReplicaSnapshot } from './replica-snapshot.ts';

/** Where the replica came from, for the warning and for `--json`. */
export interface ReplicaFallbackInfo {
  readonly node: string;
  readonly version: number;
  readonly savedAt: string;
  readonly ageSeconds: number;
}

export interface ReplicaFallback {
  readonly store: DocumentStore;
  readonly info: ReplicaFallbackInfo;
  readonly warning: Warning;
}

/**
 * The read-only store over the replica at `path`, or undefined when there is none for `location` (no
 * file, another store's file, or a file this master key cannot open): the caller then reports the
 * original failure.
 */
export async function openReplicaFallback(options: {
  readonly path: string;
  readonly secretBox: SecretBox;
  /** `DocumentStore.location` of the unreachable central store. */
  readonly location: string;
  readonly clock: Clock;
  /** Why the central store was not used (its error message), for the warning. */
  readonly cause: string;
}): Promise<ReplicaFallback | undefined> {
  const contents = await new ReplicaFile(options.path, options.secretBox).load().catch(() => undefined);
  if (contents === undefined || contents.storeLocation !== options.location) return undefined;
  const snapshot = ReplicaSnapshot.of(contents.version, contents.documents);
  const ageSeconds = Math.max(
    0,
    Math.round((options.clock.now().getTime() - new Date(contents.savedAt).getTime()) / 1000),
  );
  const info: ReplicaFallbackInfo = {
    node: contents.node,
    version: contents.version,
    savedAt: contents.savedAt,
    ageSeconds,
  };
  const described = `the local replica of node ${info.node} (store version ${info.version}, written ${info.savedAt}, ${formatAge(ageSeconds)} ago)`;
  const refuse = (what: string) =>
    sharedError(
      'ERR_STORE_UNAVAILABLE',
      `the central store ${options.location} is unavailable: nothing was changed (${what} needs it; configuration reads are served from ${described})`,
      { location: options.location, outcome: 'not-written', replicaVersion: info.version },
    );
  const store: DocumentStore = {
    dialect: 'postgres',
    location: options.location,
    get: async (kind, key) => {
      if (!isReplicated(kind, key)) throw refuse('reading mailbox data');
      return snapshot.get(kind, key);
    },
    list: async (kind, prefix) => {
      if (!isReplicated(kind, prefix)) throw refuse('reading mailbox data');
      return snapshot.list(kind, prefix);
    },
    snapshot: async (kinds) => {
      if ((kinds ?? []).some((k) => !isReplicated(k))) throw refuse('reading mailbox data');
      return { version: snapshot.version, documents: snapshot.documents(kinds) };
    },
    headVersion: async () => snapshot.version,
    write: async () => {
      throw refuse('a change');
    },
    // The change log lives only in the central store: nothing is pending as far as the replica knows.
    changesSince: async () => [],
    serverTime: async () => options.clock.now(),
    subscribe: () => () => undefined,
    close: async () => undefined,
  };
  return {
    store,
    info,
    warning: {
      code: 'WARN_READ_FROM_REPLICA',
      message: `the central store ${options.location} is unreachable (${options.cause}); showing ${described}: changes made since may be missing`,
      details: { ...info, location: options.location },
    },
  };
}

function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}
