/** The steps of the storage connectivity test and their timed, reported outcome (docs/protocol.md §5.5, §6.3). */
import { ALL_ERRORS } from '../../core/error-catalog.ts';
import { S2sError } from '../../core/shared/errors.ts';
import { sharedError } from '../../core/shared/shared-errors.ts';

/** Every step, in order; a display can list them before they run. */
export const CONNECTIVITY_STEPS = [
  { name: 'partner', title: 'Find the partner registration and its storage endpoint' },
  { name: 'metadata', title: "Reach the partner's authentication metadata document" },
  { name: 'actor', title: 'Obtain the actor token from the OAuth server' },
  { name: 'token', title: 'Build the act-as token for the user' },
  { name: 'write', title: 'Write a test item into the folder' },
  { name: 'read', title: 'Read the test item back' },
  { name: 'delete', title: 'Delete the test item' },
] as const;

export type ConnectivityStepName = (typeof CONNECTIVITY_STEPS)[number]['name'];

/** The outcome of one step. */
export interface ConnectivityStep {
  readonly name: ConnectivityStepName;
  readonly title: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly durationMs: number;
  /** What was found or done (endpoint, item id, HTTP status), never a token. */
  readonly detail: string | null;
  readonly error?: { readonly code: string; readonly message: string; readonly fix: string };
}

/** A live progress event: a step starts (`running`) or ends. */
export type ConnectivityEvent =
  | { readonly name: ConnectivityStepName; readonly title: string; readonly status: 'running' }
  | ConnectivityStep;

/** Runs steps in order, timing each and reporting it; the first failure stops the run. */
export class ConnectivityStepRunner {
  readonly steps: ConnectivityStep[] = [];
  readonly #onStep: (event: ConnectivityEvent) => void;
  readonly #now: () => number;

  constructor(
    onStep: ((event: ConnectivityEvent) => void) | undefined,
    now: () => number = () => performance.now(),
  ) {
    this.#onStep = onStep ?? (() => {});
    this.#now = now;
  }

  /** Runs one step; `fn` returns the result and a one-line detail. */
  async run<T>(name: ConnectivityStepName, fn: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const title = titleOf(name);
    this.#onStep({ name, title, status: 'running' });
    const started = this.#now();
    try {
      const { value, detail } = await fn();
      this.#record({ name, title, status: 'passed', durationMs: this.#elapsed(started), detail });
      return value;
    } catch (err) {
      const failure =
        err instanceof S2sError ? err : sharedError('ERR_INTERNAL', `${name} step failed: ${describe(err)}`);
      const fix = ALL_ERRORS[failure.code]?.fix ?? '';
      this.#record({
        name,
        title,
        status: 'failed',
        durationMs: this.#elapsed(started),
        detail: null,
        error: { code: failure.code, message: failure.message, fix },
      });
      throw failure;
    }
  }

  /** Records a step that did not run, with the reason. */
  skip(name: ConnectivityStepName, detail: string): void {
    this.#record({ name, title: titleOf(name), status: 'skipped', durationMs: 0, detail });
  }

  #record(step: ConnectivityStep): void {
    this.steps.push(step);
    this.#onStep(step);
  }

  #elapsed(started: number): number {
    return Math.round((this.#now() - started) * 10) / 10;
  }
}

function titleOf(name: ConnectivityStepName): string {
  return CONNECTIVITY_STEPS.find((s) => s.name === name)!.title;
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : 'unexpected failure';
}
