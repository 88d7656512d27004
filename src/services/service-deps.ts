/** What every application service is built from (wired once, in src/main/deployment.ts). */
import type { Clock, SecretBox } from '../core/index.ts';
import type { DocumentStore } from '../store/document-store.ts';
import type { ServicePorts } from './service-ports.ts';

/** Minimal structured logger (pino-compatible). Never pass tokens, keys or passwords to it. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

export interface ServiceDeps {
  readonly store: DocumentStore;
  readonly clock: Clock;
  /** The master-key box; loaded on first use (throws ERR_MASTER_KEY_MISSING when there is none). */
  readonly secretBox: () => SecretBox;
  readonly logger: Logger;
  /** This server's FQDN (node identity for per-computer certificates). */
  readonly nodeName: string;
  /** The data directory (S2S_HOME). */
  readonly home: string;
  /** The narrow interfaces to the other services (service-ports.ts), bound by src/main/deployment.ts. */
  readonly ports: ServicePorts;
}
