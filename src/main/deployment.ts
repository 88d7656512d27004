/**
 * The composition root (docs/architecture.md: the only place that chooses sqlite vs postgres).
 * Builds every service of a deployment from node config, a clock and a logger.
 */
import { DocumentMac, hasCode, SecretBox, systemClock } from '../core/index.ts';
import { IntegrityDocumentStore, withIntegrity } from '../store/integrity/integrity-document-store.ts';
import { integrityViolations } from './integrity-violations.ts';
import type { Clock, Warning } from '../core/index.ts';
import { openReplicaFallback } from '../replication/replica-fallback-store.ts';
import type { NodeConfig } from '../config/node-config.ts';
import { loadMasterKey } from '../config/master-key.ts';
import type { DocumentStore } from '../store/document-store.ts';
import {
  CaService,
  CertificateService,
  MetadataService,
  OAuthService,
  PartnerService,
  OAuthServerService,
  RenewalService,
  StorageService,
  TokenService,
  AdminGateway,
  AdminService,
  AuditLog,
  ChangeCapturingStore,
  auditedServices,
  bindServicePorts,
  silentLogger,
} from '../services/index.ts';
import type { AuditActor } from '../core/index.ts';
import { hostname, userInfo } from 'node:os';
import type { Logger, ServiceDeps, Services } from '../services/index.ts';
import { join } from 'node:path';
import { openStore } from './open-store.ts';
import { observeWrites, WriteHealth } from './store-health.ts';
import {
  claimSingleNodeStore,
  deferredStore,
  openReplicatedStore,
  REPLICATION_DEFAULTS,
} from '../replication/index.ts';
import { parsePostgresUrl } from '../store/postgres/postgres-target.ts';
import { MetadataFetcher } from '../adapters/http-client/metadata-fetcher.ts';

export interface Deployment {
  readonly config: NodeConfig;
  readonly store: DocumentStore;
  readonly clock: Clock;
  /** The services; their administration operations go through the gateway as the deployment's actor (audited). */
  readonly services: Services;
  /** Runs an administration operation as a given actor (the administration API; docs/admin.md). */
  readonly gateway: AdminGateway;
  /** Who this deployment's own calls are audited as (the local CLI: the OS user). */
  readonly actor: AuditActor;
  /** Said while opening, for the command to show (e.g. WARN_READ_FROM_REPLICA). */
  readonly warnings?: readonly Warning[];
  /** Server nodes: the outcome of the last write (readiness, docs/server.md); absent for one-shot commands. */
  readonly writeHealth?: WriteHealth;
  close(): Promise<void>;
}

export interface DeploymentOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** An already-open store (tests, replication); otherwise `config.store` is opened. */
  readonly store?: DocumentStore;
  /**
   * This process runs as a server node (`s2s server start`): on PostgreSQL it serves from a local
   * encrypted replica that follows the central store (docs/replication.md); on SQLite it claims the file for this
   * node, so a second node on the same file is refused. One-shot CLI commands talk to the store directly.
   */
  readonly serverNode?: boolean;
  /**
   * Who calls the services' administration operations (the audit log's actor): the CLI passes the
   * operating-system user as a full administrator; by default a program embedding s2s (via `library`).
   */
  readonly actor?: AuditActor;
  /** Lockout and session settings (tests). */
  readonly adminOptions?: ConstructorParameters<typeof AdminService>[2];
  /** Where sign-in failures of unknown administrator names are remembered (the workers of a server share one). */
  readonly unknownAdminNames?: ConstructorParameters<typeof AdminService>[3];
}

/** The local operating-system user, a full administrator (docs/admin.md "The local CLI"). */
export function localActor(via: AuditActor['via'] = 'cli'): AuditActor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? 'unknown';
  }
  return { kind: 'local', name, role: 'full', from: `${via}@${hostname()}`, via };
}

/** Opens the store and wires the services. */
export async function openDeployment(
  config: NodeConfig,
  options: DeploymentOptions = {},
): Promise<Deployment> {
  const notices: Warning[] = [];
  const store = options.store ?? (await openConfiguredStore(config, options, notices));
  if (!options.serverNode) return { ...buildDeployment(config, store, options), warnings: notices };
  const writeHealth = new WriteHealth();
  return { ...buildDeployment(config, observeWrites(store, writeHealth), options), writeHealth };
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** Opens the store the config names, as a replica-backed pool member when this process is a server node. */
async function openConfiguredStore(
  config: NodeConfig,
  options: DeploymentOptions,
  notices: Warning[],
): Promise<DocumentStore> {
  const clock = options.clock ?? systemClock;
  const postgres = POSTGRES_URL.test(config.store);
  if (postgres && options.serverNode) {
    return openReplicatedStore({
      central: deferredStore(() => openStore(config.store), parsePostgresUrl(config.store).location),
      replicaFile: join(config.home, REPLICATION_DEFAULTS.replicaFileName),
      secretBox: new SecretBox(loadMasterKey(config.masterKey, config.masterKeyFile)),
      nodeName: config.nodeName,
      clock,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  if (postgres) return openCentralOrReplica(config, clock, notices);
  const store = await openStore(config.store);
  if (options.serverNode) {
    await claimSingleNodeStore(store, config.nodeName, clock).catch(async (err: unknown) => {
      await store.close();
      throw err;
    });
  }
  return store;
}

/**
 * A one-shot command's PostgreSQL store; when it cannot be reached and this S2S_HOME holds a pool node's
 * replica of it, that replica, read-only (docs/replication.md "Commands while PostgreSQL is down").
 */
async function openCentralOrReplica(
  config: NodeConfig,
  clock: Clock,
  notices: Warning[],
): Promise<DocumentStore> {
  try {
    return await openStore(config.store);
  } catch (err) {
    if (!hasCode(err, 'ERR_STORE_UNAVAILABLE')) throw err;
    let secretBox: SecretBox;
    try {
      secretBox = new SecretBox(loadMasterKey(config.masterKey, config.masterKeyFile));
    } catch {
      throw err; // no master key here: no replica to read either
    }
    const fallback = await openReplicaFallback({
      path: join(config.home, REPLICATION_DEFAULTS.replicaFileName),
      secretBox,
      location: parsePostgresUrl(config.store).location,
      clock,
      cause: (err as Error).message,
    });
    if (fallback === undefined) throw err;
    notices.push(fallback.warning);
    return fallback.store;
  }
}

/** Wires services over an open store. */
export function buildDeployment(
  config: NodeConfig,
  store: DocumentStore,
  options: DeploymentOptions = {},
): Deployment {
  let box: SecretBox | undefined;
  let mac: DocumentMac | undefined;
  const services = {} as { -readonly [K in keyof Services]: Services[K] };
  const secretBox = () => (box ??= new SecretBox(loadMasterKey(config.masterKey, config.masterKeyFile)));
  const logger = options.logger ?? silentLogger;
  // Security-relevant documents are sealed with a MAC under the master key (docs/store.md "Integrity").
  const sealedStore =
    store instanceof IntegrityDocumentStore
      ? store
      : withIntegrity(store, {
          mac: () => (mac ??= new DocumentMac(secretBox())),
          onViolation: (violation) => {
            integrityViolations.record(violation);
            logger.error(
              { event: 'store_integrity_violation', ...violation },
              'a stored document fails its integrity check and is not used',
            );
          },
        });
  store = sealedStore;
  const deps: ServiceDeps = {
    store: new ChangeCapturingStore(sealedStore),
    clock: options.clock ?? systemClock,
    secretBox,
    logger,
    nodeName: config.nodeName,
    home: config.home,
    ports: bindServicePorts(services),
  };
  services.oauth = new OAuthService(deps);
  services.certificates = new CertificateService(deps);
  const metadataFetcher = new MetadataFetcher();
  services.partners = new PartnerService(deps, { fetcher: metadataFetcher });
  services.metadata = new MetadataService(deps);
  services.tokens = new TokenService(deps);
  services.storage = new StorageService(deps);
  services.ca = new CaService(deps);
  services.oauthServers = new OAuthServerService(deps, metadataFetcher);
  services.renewal = new RenewalService(deps);
  services.audit = new AuditLog(deps);
  services.admins = new AdminService(deps, services.audit, options.adminOptions, options.unknownAdminNames);
  const gateway = new AdminGateway(services, services.audit, logger);
  const actor = options.actor ?? localActor('library');
  return {
    config,
    store,
    clock: deps.clock,
    services: auditedServices(services, gateway, () => actor),
    gateway,
    actor,
    close: async () => {
      await metadataFetcher.close();
      await store.close();
    },
  };
}
