/** `s2s admin remove`: removes an administrator and ends its sessions (never the last full one). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerAdminRemoveCommand(admin: Command, env: CliEnvironment): void {
  const cmd = admin
    .command('remove')
    .description('remove an administrator (refused for the last enabled full administrator)')
    .requiredOption('--name <name>', 'the administrator')
    .action(
      defineAction<{ name: string }>(env, async ({ opts, printer, deployment }) => {
        const { services } = await deployment();
        const removed = await services.admins.remove(opts.name);
        printer.result({ admin: removed }, () => `administrator ${removed.name} removed`);
      }),
    );
  example(cmd, 's2s admin remove --name alice');
}
