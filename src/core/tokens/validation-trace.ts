/** The named steps of a validation, recorded as they run: the result of `s2s token test` (explain). */
import { S2sError } from '../shared/errors.ts';

/** Steps in the order they run (protocol.md §2.6, §2.7, §4). */
export type StepName =
  | 'authorization'
  | 'parse'
  | 'header'
  | 'claims'
  | 'classify'
  | 'actor-parse'
  | 'actor-header'
  | 'actor-claims'
  | 'audience'
  | 'issuer'
  | 'key'
  | 'signature'
  | 'lifetime'
  | 'nameid'
  | 'actor-is-app'
  | 'outer-audience'
  | 'outer-issuer'
  | 'outer-lifetime'
  | 'user'
  | 'trust-level';

/** One step's verdict. `detail` never contains token material (claim values are identifiers only). */
export interface ValidationStep {
  readonly name: StepName;
  readonly verdict: 'pass' | 'fail';
  readonly detail: string;
  /** On failure: the refusal code and its Exchange detail code. */
  readonly code?: string;
}

/** Records steps; a failing step records the error's code and message and rethrows. */
export class ValidationTrace {
  readonly steps: ValidationStep[] = [];
  /** Set when a partner's keys may be stale (unknown `x5t`): the service requests a metadata refresh. */
  refreshPartner: string | null = null;
  /** False on the hot path: pass details are only built for an explanation. */
  readonly #record: boolean;

  constructor(record = true) {
    this.#record = record;
  }

  /** Runs one step: `fn` returns the step's value, `describe` the pass detail. */
  step<T>(name: StepName, fn: () => T, describe: (value: T) => string): T {
    let value: T;
    try {
      value = fn();
    } catch (err) {
      const message = err instanceof S2sError ? err.message : 'internal fault';
      this.steps.push({
        name,
        verdict: 'fail',
        detail: message,
        code: err instanceof S2sError ? err.code : 'ERR_TOKEN_VALIDATION_FAULT',
      });
      throw err;
    }
    if (this.#record) this.steps.push({ name, verdict: 'pass', detail: describe(value) });
    return value;
  }
}
