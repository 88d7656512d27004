/** `s2s server …`: the front-end server process. */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerServerStartCommand } from './start.ts';
import { registerServerStatusCommand } from './status.ts';
import { registerServerStopCommand } from './stop.ts';

export function registerServerCommands(program: Command, env: CliEnvironment): void {
  const server = program
    .command('server')
    .description('the HTTPS front-end server (metadata, storage service, health, metrics)');
  registerServerStartCommand(server, env);
  registerServerStatusCommand(server, env);
  registerServerStopCommand(server, env);
}
