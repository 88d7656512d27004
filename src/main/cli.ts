/** Entry point of the `s2s` binary: wires the real environment into the CLI adapter. */
import { runCli, processIo } from '../adapters/cli/index.ts';
import { openRemoteDeployment, remoteServer } from '../adapters/cli/remote-deployment.ts';
import type { CliEnvironment, CliIo } from '../adapters/cli/index.ts';
import { resolveNodeConfig } from '../config/node-config.ts';
import { localActor, openDeployment } from './deployment.ts';
import { startServerProcess } from './server-process.ts';
import { invokeReplication } from './replication-invoke.ts';
import type { DeploymentOptions } from './deployment.ts';

/** The CLI environment over real config resolution and deployment wiring. */
export function cliEnvironment(io: CliIo, given: DeploymentOptions = {}): CliEnvironment {
  // Whoever holds S2S_HOME and the master key is a full administrator, recorded as the OS user (docs/admin.md).
  const options: DeploymentOptions = { actor: localActor('cli'), ...given };
  return {
    io,
    resolveConfig: (flags) => resolveNodeConfig(flags, io.env),
    openDeployment: (flags) =>
      remoteServer(flags, io.env) === undefined
        ? openDeployment(resolveNodeConfig(flags, io.env), options)
        : openRemoteDeployment(flags, io, resolveNodeConfig(flags, io.env)),
    startServer: (flags) => startServerProcess(flags, io, options),
    invokeReplication: (flags, o) => invokeReplication(resolveNodeConfig(flags, io.env), o),
  };
}

/** Runs the CLI with the real process streams and environment. */
export async function main(argv: readonly string[]): Promise<number> {
  return runCli(argv, cliEnvironment(processIo()));
}
