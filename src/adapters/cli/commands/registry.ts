/** Every noun of the CLI; each registers its own verbs (one file per noun-verb, docs/architecture.md, convention 11). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../cli-context.ts';
import { registerInitCommand } from './init/index.ts';
import { registerOAuthCommands } from './oauth/index.ts';
import { registerCertificateCommands } from './certificate/index.ts';
import { registerMetadataCommands } from './metadata/index.ts';
import { registerPartnerCommands } from './partner/index.ts';
import { registerOAuthServerCommands } from './oauth-server/index.ts';
import { registerTokenCommands } from './token/index.ts';
import { registerServerCommands } from './server/index.ts';
import { registerUserCommands } from './user/index.ts';
import { registerTestCommands } from './test/index.ts';
import { registerCaCommands } from './ca/index.ts';
import { registerTrustedRootCommands } from './trusted-root/index.ts';
import { registerReplicationCommands } from './replication/index.ts';
import { registerCompletionCommand } from './completion/index.ts';
import { registerBackupCommands } from './backup/index.ts';
import { registerAdminCommands } from './admin/index.ts';
import { registerAuditCommands } from './audit/index.ts';

export function registerAllCommands(program: Command, env: CliEnvironment): void {
  registerInitCommand(program, env);
  registerOAuthCommands(program, env);
  registerCertificateCommands(program, env);
  registerMetadataCommands(program, env);
  registerOAuthServerCommands(program, env);
  registerPartnerCommands(program, env);
  registerTokenCommands(program, env);
  registerServerCommands(program, env);
  registerUserCommands(program, env);
  registerTestCommands(program, env);
  registerCaCommands(program, env);
  registerTrustedRootCommands(program, env);
  registerReplicationCommands(program, env);
  registerBackupCommands(program, env);
  registerAdminCommands(program, env);
  registerAuditCommands(program, env);
  registerCompletionCommand(program, env);
}
