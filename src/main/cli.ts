/**
 * Entry point of the `s2s` binary: wires the real environment into the CLI adapter. The deployment, the
 * server and replication are imported when a command first needs them, so `s2s --help` loads no store
 * driver and no HTTP framework (docs/architecture.md "Runtime").
 */
import { runCli, processIo } from '../adapters/cli/index.ts';
import { openRemoteDeployment, remoteServer } from '../adapters/cli/remote-deployment.ts';
import type { CliEnvironment, CliIo } from '../adapters/cli/index.ts';
import { resolveNodeConfig } from '../config/node-config.ts';
import type { DeploymentOptions } from './deployment.ts';
import { WORKER_SLOT_ENV } from './server-cluster-messages.ts';

/** The CLI environment over real config resolution and deployment wiring. */
export function cliEnvironment(io: CliIo, given: DeploymentOptions = {}): CliEnvironment {
  // Whoever holds S2S_HOME and the master key is a full administrator, recorded as the OS user (docs/admin.md).
  const deployment = async () => {
    const module = await import('./deployment.ts');
    const options: DeploymentOptions = { actor: module.localActor('cli'), ...given };
    return { module, options };
  };
  return {
    io,
    resolveConfig: (flags) => resolveNodeConfig(flags, io.env),
    openDeployment: async (flags) => {
      if (remoteServer(flags, io.env) !== undefined)
        return openRemoteDeployment(flags, io, resolveNodeConfig(flags, io.env));
      const { module, options } = await deployment();
      return module.openDeployment(resolveNodeConfig(flags, io.env), options);
    },
    startServer: async (flags) => {
      const { options } = await deployment();
      const { startServerProcess } = await import('./server-process.ts');
      return startServerProcess(flags, io, options);
    },
    invokeReplication: async (flags, o) => {
      const { invokeReplication } = await import('./replication-invoke.ts');
      return invokeReplication(resolveNodeConfig(flags, io.env), o);
    },
  };
}

/** Runs the CLI with the real process streams and environment. */
export async function main(argv: readonly string[]): Promise<number> {
  const io = processIo();
  // A worker of `s2s server start --workers N` (docs/server.md "Workers"): forked by the primary with its
  // slot in the environment; it serves, and parses no command line.
  if (io.env[WORKER_SLOT_ENV] !== undefined) {
    const { isServerWorker, runServerWorker } = await import('./server-worker.ts');
    if (isServerWorker(io.env)) {
      const { localActor } = await import('./deployment.ts');
      return runServerWorker(io, { actor: localActor('cli') });
    }
  }
  return runCli(argv, cliEnvironment(io));
}
