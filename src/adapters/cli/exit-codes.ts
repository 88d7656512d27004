/** Process exit codes by error category (docs/errors.md, "Exit codes"). */
import type { ErrorCategory } from '../../core/index.ts';

export const EXIT_CODES: Readonly<Record<ErrorCategory | 'ok', number>> = {
  ok: 0,
  usage: 2,
  not_found: 3,
  conflict: 4,
  refused: 5,
  unavailable: 6,
  internal: 70,
};
