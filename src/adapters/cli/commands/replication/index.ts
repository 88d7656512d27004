/** `s2s replication …`: the pool's configuration replication (docs/replication.md; Get-CsManagementStoreReplicationStatus). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerReplicationStatusCommand } from './status.ts';
import { registerReplicationInvokeCommand } from './invoke.ts';

export function registerReplicationCommands(program: Command, env: CliEnvironment): void {
  const replication = program
    .command('replication')
    .description('configuration replication to the servers of a pool');
  registerReplicationStatusCommand(replication, env);
  registerReplicationInvokeCommand(replication, env);
}
