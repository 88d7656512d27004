/** The named steps of a validation, recorded as they run: the result of `s2s token test` (explain). */
import { S2sError } from '../shared/errors.ts';

/** Steps in the order they run (docs/protocol.md §2.6, §2.7, §4). */
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

/**
 * Records the steps of one validation. The validator names each step as it enters it; a pass is recorded
 * (with its detail, built only then) only when explaining, a failure always, under the step it happened in.
 * No closures and no strings on the hot path.
 */
export class ValidationTrace {
  /** Set when a partner's keys may be stale (unknown `x5t`): the service requests a metadata refresh. */
  refreshPartner: string | null = null;
  /** The unknown `x5t` that made `refreshPartner` stale. */
  refreshX5t: string | null = null;
  /** False on the hot path: pass details are only built for an explanation. */
  readonly explaining: boolean;
  #current: StepName = 'authorization';
  /** Made by the first recorded step: an acceptance that explains nothing allocates none. */
  #steps: ValidationStep[] | null = null;

  constructor(explaining = true) {
    this.explaining = explaining;
  }

  /** The recorded steps, in order (a shared empty array when none was). */
  get steps(): readonly ValidationStep[] {
    return this.#steps ?? NO_STEPS;
  }

  /** The step now running: a failure from here on is recorded under it. */
  enter(name: StepName): void {
    this.#current = name;
  }

  /** Records the running step as passed (call only when {@link explaining}). */
  pass(detail: string): void {
    (this.#steps ??= []).push({ name: this.#current, verdict: 'pass', detail });
  }

  /** Records the running step as failed with the error's code and message. */
  fail(err: unknown): void {
    (this.#steps ??= []).push({
      name: this.#current,
      verdict: 'fail',
      detail: err instanceof S2sError ? err.message : 'internal fault',
      code: err instanceof S2sError ? err.code : 'ERR_TOKEN_VALIDATION_FAULT',
    });
  }
}

const NO_STEPS: readonly ValidationStep[] = Object.freeze([]);
