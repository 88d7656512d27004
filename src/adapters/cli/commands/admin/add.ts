/** `s2s admin add`: a new administrator with a role and a password (from a file, or generated into a 0600 file). */
import type { Command } from 'commander';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { adminRows } from './admin-rows.ts';
import { passwordFromFlags } from './password-input.ts';
import type { PasswordFlags } from './password-input.ts';

interface AddOptions extends PasswordFlags {
  name: string;
  role: string;
}

export function registerAdminAddCommand(admin: Command, env: CliEnvironment): void {
  const cmd = admin
    .command('add')
    .description('add an administrator (roles: full, certificate, partner, read-only)')
    .requiredOption('--name <name>', 'sign-in name (letters, digits, . _ @ -)')
    .requiredOption('--role <role>', 'full | certificate | partner | read-only')
    .option('--password-file <path>', 'file holding the password (or - for stdin)')
    .option('--generate-password <path>', 'generate a password and write it to this new file (mode 0600)')
    .action(
      defineAction<AddOptions>(env, async ({ opts, printer, deployment, io }) => {
        const password = await passwordFromFlags(opts, io);
        if (password === undefined)
          throw sharedError(
            'ERR_USAGE',
            'admin add needs --password-file <file> or --generate-password <file>',
          );
        const { services } = await deployment();
        const added = await services.admins.add({ name: opts.name, role: opts.role, password });
        printer.result({ admin: added }, () => formatList(adminRows(added)));
      }),
    );
  example(
    cmd,
    's2s admin add --name alice --role full --password-file ./alice.pw',
    's2s admin add --name auditor --role read-only --generate-password ./auditor.pw',
  );
}
