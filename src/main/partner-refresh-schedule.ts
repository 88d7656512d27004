/**
 * The periodic partner metadata refresh (docs/metadata.md, "Refresh"): scheduling lives beside the server,
 * the use case (`PartnerService.refreshDue`: which partners are due, fetch, persist) in the service.
 * Every `tickMs` the due partners (and OAuth servers, docs/hybrid.md) are refreshed; a pass never overlaps the previous one.
 */
import type { Logger } from '../services/index.ts';
import { startPeriodicPass } from './periodic-pass.ts';

export interface RefreshSchedule {
  /** Stops the timer and waits for the pass and any fetch in flight. */
  stop(): Promise<void>;
}

/** Starts the schedule now (a first pass at once, then every `tickMs`). */
export function startPartnerRefreshSchedule(
  partners: { refreshDue(): Promise<unknown>; settle(): Promise<void> },
  logger: Logger,
  tickMs: number,
): RefreshSchedule {
  const pass = startPeriodicPass(() => partners.refreshDue(), logger, 'metadata refresh loop failed', tickMs);
  return {
    stop: async () => {
      await pass.stop();
      await partners.settle();
    },
  };
}
