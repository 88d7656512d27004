/** The structured logger replication writes to (pino-compatible; the same shape as the services' Logger). */
export interface ReplicationLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** Discards everything. */
export const silentReplicationLogger: ReplicationLogger = { info() {}, warn() {}, error() {}, debug() {} };
