/**
 * The automatic renewal schedule (docs/renewal.md): scheduling lives beside the server, the use case
 * (`RenewalService.runOnce`: decide per assignment, renew, retire) in the service. Every `tickMs` a pass
 * runs; a pass never overlaps the previous one. Every server of a pool runs it: leadership is decided per
 * renewal in the central store, so exactly one node renews each certificate.
 */
import type { Logger, RenewalService } from '../services/index.ts';
import { startPeriodicPass } from './periodic-pass.ts';
import type { PeriodicPass } from './periodic-pass.ts';

export type RenewalSchedule = PeriodicPass;

/** Starts the schedule now (a first pass at once, then every `tickMs`). */
export function startRenewalSchedule(
  renewal: Pick<RenewalService, 'runOnce'>,
  logger: Logger,
  tickMs: number,
): RenewalSchedule {
  return startPeriodicPass(() => renewal.runOnce(), logger, 'certificate renewal pass failed', tickMs);
}
