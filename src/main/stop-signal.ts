/**
 * How `s2s server start` ends (docs/server.md "Shutdown"): the first SIGINT or SIGTERM runs the shutdown
 * once — one process closing its server and deployment, or a primary stopping its workers — and the
 * returned promise settles with it.
 */
import type { Logger } from 'pino';

/** Resolves once SIGINT or SIGTERM has run `shutdown` (rejects if it failed). */
export function untilStopSignal(logger: Logger, shutdown: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      logger.info({ signal }, 's2s server shutting down');
      shutdown().then(() => {
        logger.info({}, 's2s server stopped');
        resolve();
      }, reject);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
