/**
 * The periodic partner metadata refresh (docs/metadata.md, "Refresh"): scheduling lives beside the server,
 * the use case (`PartnerService.refreshDue`: which partners are due, fetch, persist) in the service.
 * Every `tickMs` the due partners (and OAuth servers, docs/hybrid.md) are refreshed; a pass never overlaps the previous one.
 */
import type { Logger } from '../services/index.ts';

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
  let pass: Promise<unknown> | null = null;
  const tick = () => {
    if (pass) return;
    pass = partners
      .refreshDue()
      .catch((err: unknown) =>
        logger.warn({ code: (err as { code?: string }).code ?? 'unknown' }, 'metadata refresh loop failed'),
      )
      .finally(() => {
        pass = null;
      });
  };
  const timer = setInterval(tick, tickMs);
  timer.unref();
  tick();
  return {
    stop: async () => {
      clearInterval(timer);
      await pass;
      await partners.settle();
    },
  };
}
