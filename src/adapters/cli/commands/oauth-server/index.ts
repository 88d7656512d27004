/** `s2s oauth-server …` (New/Set/Get/Remove-CsOAuthServer; docs/protocol.md §5.3, docs/hybrid.md). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerOAuthServerNewCommand } from './new.ts';
import { registerOAuthServerSetCommand } from './set.ts';
import { registerOAuthServerGetCommands } from './get.ts';
import { registerOAuthServerRemoveCommand } from './remove.ts';
import { registerOAuthServerRefreshCommand } from './refresh.ts';
import { registerOAuthServerDemoCommand } from './demo.ts';

export function registerOAuthServerCommands(program: Command, env: CliEnvironment): void {
  const parent = program
    .command('oauth-server')
    .description('OAuth servers: authorization servers (ACS, Entra ID) that issue actor tokens');
  registerOAuthServerNewCommand(parent, env);
  registerOAuthServerSetCommand(parent, env);
  registerOAuthServerGetCommands(parent, env);
  registerOAuthServerRemoveCommand(parent, env);
  registerOAuthServerRefreshCommand(parent, env);
  registerOAuthServerDemoCommand(parent, env);
}
