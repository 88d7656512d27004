/**
 * The automatic renewal schedule (docs/renewal.md): scheduling lives beside the server, the use case
 * (`RenewalService.runOnce`: decide per assignment, renew, retire) in the service. Every `tickMs` a pass
 * runs; a pass never overlaps the previous one. Every server of a pool runs it: leadership is decided per
 * renewal in the central store, so exactly one node renews each certificate.
 */
import type { Logger, RenewalService } from '../services/index.ts';

export interface RenewalSchedule {
  /** Stops the timer and waits for a pass in flight. */
  stop(): Promise<void>;
}

/** Starts the schedule now (a first pass at once, then every `tickMs`). */
export function startRenewalSchedule(
  renewal: Pick<RenewalService, 'runOnce'>,
  logger: Logger,
  tickMs: number,
): RenewalSchedule {
  let pass: Promise<unknown> | null = null;
  const tick = () => {
    if (pass) return;
    pass = renewal
      .runOnce()
      .catch((err: unknown) =>
        logger.warn(
          { code: (err as { code?: string }).code ?? 'unknown' },
          'certificate renewal pass failed',
        ),
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
    },
  };
}
