/** `s2s user get`: one user. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { userRows } from './add.ts';

export function registerUserGetCommand(user: Command, env: CliEnvironment): void {
  const cmd = user
    .command('get')
    .description('show one user')
    .requiredOption('--sip <sip uri>', 'SIP address')
    .action(
      defineAction<{ sip: string }>(env, async ({ opts, printer, deployment }) => {
        const { services } = await deployment();
        const found = await services.storage.getUser(opts.sip);
        printer.result({ user: found }, () => formatList(userRows(found)));
      }),
    );
  example(cmd, 's2s user get --sip sip:kenmyer@litwareinc.com');
}
