/**
 * Live progress of the connectivity test: a listr2 task list on a terminal, plain lines otherwise
 * (and nothing with --json, where stdout stays one JSON document).
 */
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import { CONNECTIVITY_STEPS } from '../../../../services/storage/connectivity-steps.ts';
import type {
  ConnectivityEvent,
  ConnectivityStep,
  ConnectivityStepName,
} from '../../../../services/storage/connectivity-steps.ts';
import type { OutputStream } from '../../cli-io.ts';

/** A display fed by the test's step events; `finish` waits until it has drawn the last one. */
export interface ConnectivityProgress {
  onStep(event: ConnectivityEvent): void;
  finish(): Promise<void>;
}

/** One line per finished step: `✔ title (12.3 ms) — detail`. */
export function formatStep(step: ConnectivityStep): string {
  const mark = step.status === 'passed' ? '✔' : step.status === 'failed' ? '✖' : '↓';
  const info = step.status === 'failed' ? step.error?.message : step.detail;
  return `${mark} ${step.title} (${step.durationMs} ms)${info ? ` — ${info}` : ''}`;
}

/** Lines on a stream without a terminal. */
export function plainProgress(out: OutputStream): ConnectivityProgress {
  return {
    onStep: (e) => {
      if (e.status !== 'running') out.write(`${formatStep(e)}\n`);
    },
    finish: async () => {},
  };
}

/** A listr2 task list redrawn in place on a terminal stream. */
export function listrProgress(stream: NodeJS.WriteStream): ConnectivityProgress {
  const outcomes = new Map<
    ConnectivityStepName,
    { resolve: (s: ConnectivityStep | null) => void; promise: Promise<ConnectivityStep | null> }
  >();
  for (const s of CONNECTIVITY_STEPS) {
    let resolve!: (s: ConnectivityStep | null) => void;
    const promise = new Promise<ConnectivityStep | null>((r) => (resolve = r));
    outcomes.set(s.name, { resolve, promise });
  }
  const list = new Listr(
    CONNECTIVITY_STEPS.map((s) => ({
      title: s.title,
      task: async (_ctx: unknown, task: { title: string; skip: (m?: string) => void }) => {
        const step = await outcomes.get(s.name)!.promise;
        if (!step) return task.skip(`${s.title} (not run)`);
        if (step.status === 'skipped') return task.skip(formatStep(step).slice(2));
        task.title = formatStep(step).slice(2);
        if (step.status === 'failed') throw new Error(step.error?.code ?? 'failed');
      },
    })),
    {
      concurrent: false,
      exitOnError: true,
      registerSignalListeners: false,
      rendererOptions: { logger: new ListrLogger({ processOutput: new ProcessOutput(stream, stream) }) },
    },
  );
  const drawn = list.run().catch(() => {});
  return {
    onStep: (e) => {
      if (e.status !== 'running') outcomes.get(e.name)!.resolve(e);
    },
    finish: async () => {
      for (const o of outcomes.values()) o.resolve(null);
      await drawn;
    },
  };
}
