/** `s2s partner get` (Get-CsPartnerApplication): one partner or all, with refresh state and the age of the last error. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { partnerRows } from './partner-rows.ts';

export function registerPartnerGetCommand(partner: Command, env: CliEnvironment): void {
  const cmd = partner
    .command('get')
    .description('show partner applications and the state of their metadata refresh')
    .option('--identity <name>', 'only this partner')
    .action(
      defineAction<{ identity?: string }>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const { services } = await ctx.deployment();
        const views =
          opts.identity === undefined
            ? await services.partners.list()
            : [await services.partners.get(opts.identity)];
        printer.result({ partners: views.map((v) => ({ ...v.partner, status: v.status })) }, () =>
          views.length === 0
            ? 'no partner applications'
            : views.map((v) => formatList(partnerRows(v))).join('\n\n'),
        );
      }),
    );
  example(cmd, 's2s partner get', 's2s partner get --identity microsoft.exchange --json');
}
