/** `s2s user remove`: removes a user and its mailbox. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerUserRemoveCommand(user: Command, env: CliEnvironment): void {
  const cmd = user
    .command('remove')
    .description('remove a user and every item of its mailbox')
    .requiredOption('--sip <sip uri>', 'SIP address')
    .action(
      defineAction<{ sip: string }>(env, async ({ opts, printer, deployment }) => {
        const { services } = await deployment();
        const { user: removed, removedItems } = await services.storage.removeUser(opts.sip);
        printer.result(
          { user: removed, removedItems },
          () => `removed sip:${removed.sip} and ${removedItems} mailbox item(s)`,
        );
      }),
    );
  example(cmd, 's2s user remove --sip sip:kenmyer@litwareinc.com');
}
