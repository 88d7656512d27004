/**
 * A pass run now and then every `tickMs`, never overlapping the previous one; a failed pass is logged with
 * its code and the next tick tries again. The server's schedules (partner refresh, certificate renewal) are
 * built on it; the use cases themselves live in the services.
 */
import type { Logger } from '../services/index.ts';

export interface PeriodicPass {
  /** Stops the timer and waits for a pass in flight. */
  stop(): Promise<void>;
}

export function startPeriodicPass(
  run: () => Promise<unknown>,
  logger: Logger,
  failureMessage: string,
  tickMs: number,
): PeriodicPass {
  let pass: Promise<unknown> | null = null;
  const tick = () => {
    if (pass) return;
    pass = run()
      .catch((err: unknown) =>
        logger.warn({ code: (err as { code?: string }).code ?? 'unknown' }, failureMessage),
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
