/** `s2s partner refresh` (Set-PartnerApplication -RefreshAuthMetadata): re-fetches metadata now. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import type { RefreshResult } from '../../../../services/index.ts';

export function registerPartnerRefreshCommand(partner: Command, env: CliEnvironment): void {
  const cmd = partner
    .command('refresh')
    .description('re-fetch partner metadata now (one partner, or every enabled metadata partner)')
    .option('--identity <name>', 'only this partner (fails when its refresh fails)')
    .action(
      defineAction<{ identity?: string }>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const { services } = await ctx.deployment();
        const results =
          opts.identity === undefined
            ? await services.partners.refreshAll()
            : [await services.partners.refresh(opts.identity)];
        for (const r of results) printer.warnAll(r.warnings);
        printer.result({ results }, () =>
          results.length === 0 ? 'no metadata partners to refresh' : results.map(describe).join('\n'),
        );
      }),
    );
  example(cmd, 's2s partner refresh', 's2s partner refresh --identity microsoft.exchange');
}

function describe(r: RefreshResult): string {
  if (r.error) return `${r.identity}: failed ${r.error.code}: ${r.error.message} (last good keys kept)`;
  return `${r.identity}: ${r.keysChanged ? 'keys updated' : 'unchanged'}`;
}
