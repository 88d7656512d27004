/** `s2s admin set`: change an administrator's role, password or state; `--unlock` ends a lockout. */
import type { Command } from 'commander';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { adminRows } from './admin-rows.ts';
import { passwordFromFlags } from './password-input.ts';
import type { PasswordFlags } from './password-input.ts';

interface SetOptions extends PasswordFlags {
  name: string;
  role?: string;
  enabled?: string;
  unlock?: boolean;
}

export function registerAdminSetCommand(admin: Command, env: CliEnvironment): void {
  const cmd = admin
    .command('set')
    .description('change an administrator (a new password, role or disabling ends its sessions)')
    .requiredOption('--name <name>', 'the administrator')
    .option('--role <role>', 'full | certificate | partner | read-only')
    .option('--enabled <bool>', 'true | false')
    .option('--password-file <path>', 'file holding the new password (or - for stdin)')
    .option('--generate-password <path>', 'generate a new password into this new file (mode 0600)')
    .option('--unlock', 'end a sign-in lockout and reset the failure count')
    .action(
      defineAction<SetOptions>(env, async ({ opts, printer, deployment, io }) => {
        if (opts.enabled !== undefined && !['true', 'false'].includes(opts.enabled))
          throw sharedError('ERR_INVALID_INPUT', '--enabled takes true or false', { field: 'enabled' });
        const password = await passwordFromFlags(opts, io);
        const { services } = await deployment();
        const changed = await services.admins.set(opts.name, {
          ...(opts.role === undefined ? {} : { role: opts.role }),
          ...(opts.enabled === undefined ? {} : { enabled: opts.enabled === 'true' }),
          ...(password === undefined ? {} : { password }),
          ...(opts.unlock ? { unlock: true } : {}),
        });
        printer.result({ admin: changed }, () => formatList(adminRows(changed)));
      }),
    );
  example(
    cmd,
    's2s admin set --name alice --role certificate',
    's2s admin set --name alice --password-file ./new.pw --unlock',
  );
}
