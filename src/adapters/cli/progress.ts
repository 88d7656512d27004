/**
 * Progress of long work (`ca init`, `server start --bootstrap`, certificate requests and imports): a
 * listr2 spinner on stderr while the work runs, only when both stdout and stderr are terminals and never
 * with --json (docs/decisions.md "Progress output"), so scripts, pipes and logs see exactly the output they always did.
 */
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { CliIo } from './cli-io.ts';

/** Whether progress is drawn for this invocation. */
export function progressShown(io: CliIo, json: boolean): boolean {
  // A terminal that reports no width (some pseudo-terminals) would get one character per line.
  const columns = (io.stderr as { columns?: number }).columns ?? 0;
  return !json && io.stdout.isTTY === true && io.stderr.isTTY === true && columns >= 20;
}

/** Runs `work`, showing `title` with a spinner (and a ✔ or ✖ when it ends) when progress is shown. */
export async function withProgress<T>(
  io: CliIo,
  json: boolean,
  title: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!progressShown(io, json)) return work();
  const stream = io.stderr as NodeJS.WriteStream;
  let outcome: { value: T } | undefined;
  const list = new Listr(
    [
      {
        title,
        task: async () => {
          outcome = { value: await work() };
        },
      },
    ],
    {
      exitOnError: true,
      registerSignalListeners: false,
      rendererOptions: { logger: new ListrLogger({ processOutput: new ProcessOutput(stream, stream) }) },
    },
  );
  await list.run();
  return outcome!.value;
}
