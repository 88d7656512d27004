/**
 * `s2s replication invoke [--rebuild]` [Invoke-CsManagementStoreReplication] (docs/replication.md
 * "Invoke"): make this node (S2S_HOME, --node) re-sync its replica with the central store now, or rebuild
 * it from one full consistent copy.
 *
 * When the server of this home runs, the CLI cannot reach into its memory: it writes a request file in
 * S2S_HOME and sends the server SIGUSR2; the server performs the request on its own replicated store and
 * writes the result file the CLI waits for. When no server runs, the CLI opens the node's replica itself
 * (no heartbeat), performs the request and closes it. Either way the replica file is replaced atomically.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplicationInvokeOptions, ReplicationInvokeResult } from '../adapters/cli/cli-context.ts';
import type { NodeConfig } from '../config/node-config.ts';
import { loadMasterKey } from '../config/master-key.ts';
import { processRunning, readServerPid } from '../config/server-pid-file.ts';
import { SecretBox, systemClock } from '../core/index.ts';
import { replicationError } from '../core/replication/replication-errors.ts';
import { deferredStore, openReplicatedStore, REPLICATION_DEFAULTS } from '../replication/index.ts';
import type { ReplicatedDocumentStore } from '../replication/index.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { parsePostgresUrl } from '../store/postgres/postgres-target.ts';
import { openStore } from './open-store.ts';
import {
  invokeRequestPath,
  invokeResultPath,
  readInvokeRequest,
  readJson,
  writeAtomically,
  writeInvokeOutcome,
} from './replication-invoke-files.ts';
import type { InvokeOutcome, InvokeRequest } from './replication-invoke-files.ts';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** Performs one request on an open replicated store. */
async function perform(store: ReplicatedDocumentStore, rebuild: boolean): Promise<number> {
  if (rebuild) return store.rebuild();
  await store.sync();
  const health = store.health();
  if (!health.centralReachable)
    throw replicationError(
      'ERR_REPLICA_UNAVAILABLE',
      `the central store could not be reached to re-sync (${health.lastError ?? 'unreachable'}); the node keeps serving version ${health.appliedVersion}`,
    );
  return store.headVersion();
}

/**
 * Performs one request on this process's store (a pool node's replicated store; any other store answers
 * ERR_REPLICATION_NOT_A_POOL) and returns the outcome, failures included.
 */
export async function performInvokeRequest(
  store: DocumentStore,
  request: InvokeRequest,
): Promise<InvokeOutcome> {
  const replicated = 'rebuild' in store ? (store as ReplicatedDocumentStore) : undefined;
  try {
    if (!replicated) throw replicationError('ERR_REPLICATION_NOT_A_POOL', 'this server reads a SQLite store');
    const appliedVersion = await perform(replicated, request.rebuild);
    return { id: request.id, rebuilt: request.rebuild, appliedVersion };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return {
      id: request.id,
      rebuilt: false,
      appliedVersion: replicated ? await replicated.headVersion() : 0,
      error: { code: e.code ?? 'ERR_INTERNAL', message: e.message ?? 'failed' },
    };
  }
}

/**
 * In the server process: answers SIGUSR2 requests on `store` (a pool node's replicated store). Returns
 * the function that stops listening.
 */
export function serveInvokeRequests(
  home: string,
  store: DocumentStore,
  log: (fields: Record<string, unknown>, message: string) => void,
): () => void {
  const onSignal = () => {
    const request = readInvokeRequest(home);
    if (!request) return;
    void performInvokeRequest(store, request).then((outcome) => {
      log({ ...outcome }, 'replication invoke');
      writeInvokeOutcome(home, outcome);
    });
  };
  process.on('SIGUSR2', onSignal);
  return () => process.off('SIGUSR2', onSignal);
}

/** The CLI side: asks the running server, or works on the replica itself when none runs. */
export async function invokeReplication(
  config: NodeConfig,
  options: ReplicationInvokeOptions,
): Promise<ReplicationInvokeResult> {
  if (!POSTGRES_URL.test(config.store))
    throw replicationError(
      'ERR_REPLICATION_NOT_A_POOL',
      `${config.store} is a SQLite store: one server reads it directly and nothing replicates`,
    );
  const server = readServerPid(config.home);
  if (server && processRunning(server.pid)) return viaServer(config, server.pid, options);
  const store = await openReplicatedStore({
    central: deferredStore(() => openStore(config.store), parsePostgresUrl(config.store).location),
    replicaFile: join(config.home, REPLICATION_DEFAULTS.replicaFileName),
    secretBox: new SecretBox(loadMasterKey(config.masterKey, config.masterKeyFile)),
    nodeName: config.nodeName,
    clock: systemClock,
    heartbeatMs: 0,
  });
  try {
    const appliedVersion = await perform(store, options.rebuild);
    return { node: config.nodeName, via: 'cli', rebuilt: options.rebuild, appliedVersion };
  } finally {
    await store.close();
  }
}

async function viaServer(
  config: NodeConfig,
  pid: number,
  options: ReplicationInvokeOptions,
): Promise<ReplicationInvokeResult> {
  const id = randomBytes(8).toString('hex');
  writeAtomically(invokeRequestPath(config.home), { id, rebuild: options.rebuild } satisfies InvokeRequest);
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + options.waitMs;
  try {
    for (;;) {
      const outcome = readJson<InvokeOutcome>(invokeResultPath(config.home));
      if (outcome?.id === id) {
        if (outcome.error)
          throw replicationError(
            outcome.error.code === 'ERR_REPLICATION_NOT_A_POOL'
              ? 'ERR_REPLICATION_NOT_A_POOL'
              : 'ERR_REPLICA_UNAVAILABLE',
            `the server (pid ${pid}) could not ${options.rebuild ? 'rebuild' : 're-sync'} its replica: ${outcome.error.message}`,
          );
        return {
          node: config.nodeName,
          via: 'server',
          pid,
          rebuilt: outcome.rebuilt,
          appliedVersion: outcome.appliedVersion,
        };
      }
      if (Date.now() > deadline)
        throw replicationError(
          'ERR_REPLICATION_INVOKE_TIMEOUT',
          `the server (pid ${pid}) did not report the ${options.rebuild ? 'rebuild' : 're-sync'} within ${Math.round(options.waitMs / 1000)} s`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    rmSync(invokeRequestPath(config.home), { force: true });
  }
}
