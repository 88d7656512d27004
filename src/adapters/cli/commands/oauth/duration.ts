/** Durations on the command line: plain seconds, or a number with s / m / h / d. */
import { sharedError } from '../../../../core/shared/shared-errors.ts';

const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `3600`, `30s`, `15m`, `8h`, `1d` into whole seconds. */
export function parseDurationSeconds(text: string, flag: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m)
    throw sharedError(
      'ERR_INVALID_INPUT',
      `${flag} ${JSON.stringify(text)} is not a duration (seconds, or 30s, 15m, 8h, 1d)`,
    );
  return Number(m[1]) * UNIT_SECONDS[m[2]!]!;
}
