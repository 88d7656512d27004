/** `s2s certificate …` (Import/Get/Set/Remove-CsCertificate and friends; docs/protocol.md §5.4). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerCertificateDeleteCommand } from './delete.ts';
import { registerCertificateExportCommand } from './export.ts';
import { registerCertificateGetCommand } from './get.ts';
import { registerCertificateImportCommand } from './import.ts';
import { registerCertificateListCommand } from './list.ts';
import { registerCertificatePolicyGetCommand } from './policy-get.ts';
import { registerCertificatePolicySetCommand } from './policy-set.ts';
import { registerCertificateRemoveCommand } from './remove.ts';
import { registerCertificateRequestCommand } from './request.ts';
import { registerCertificateSetCommand } from './set.ts';

export function registerCertificateCommands(program: Command, env: CliEnvironment): void {
  const certificate = program
    .command('certificate')
    .description('certificates: import, assign to usages, roll, export');
  registerCertificateImportCommand(certificate, env);
  registerCertificateGetCommand(certificate, env);
  registerCertificateSetCommand(certificate, env);
  registerCertificateRemoveCommand(certificate, env);
  registerCertificateListCommand(certificate, env);
  registerCertificateExportCommand(certificate, env);
  registerCertificateDeleteCommand(certificate, env);
  registerCertificateRequestCommand(certificate, env);
  const policy = certificate
    .command('policy')
    .description('automatic renewal: when and from which CA each usage is renewed (docs/renewal.md)');
  registerCertificatePolicySetCommand(policy, env);
  registerCertificatePolicyGetCommand(policy, env);
}
