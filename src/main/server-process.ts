/**
 * `s2s server start` (docs/server.md): in this one process, or — with `--workers N` ≥ 2, by default one
 * per core — as the primary of N worker processes (docs/server.md "Workers"). Each path is imported
 * only when taken: the primary loads neither the HTTP framework nor the store.
 */
import type { CliIo } from '../adapters/cli/index.ts';
import type { ServerStartFlags, StartedServer } from '../adapters/cli/cli-context.ts';
import { resolveWorkerCount } from '../config/server-workers.ts';
import type { DeploymentOptions } from './deployment.ts';

/** Starts the server for the CLI; `closed` settles once a signal has shut it down. */
export async function startServerProcess(
  flags: ServerStartFlags,
  io: CliIo,
  options: DeploymentOptions = {},
): Promise<StartedServer> {
  const workers = resolveWorkerCount(flags.workers, io.env);
  // A store handed in (tests, a program embedding s2s) lives in this process: workers could not share it.
  if (workers === 1 || options.store !== undefined) {
    const { startSingleServer } = await import('./server-single.ts');
    return startSingleServer(flags, io, options);
  }
  const { startServerPrimary } = await import('./server-primary.ts');
  return startServerPrimary(flags, io, options, workers);
}
