/** `s2s certificate policy get`: the renewal policies (docs/renewal.md). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { renderPolicies } from './policy-output.ts';

interface PolicyGetOptions {
  type?: string;
}

export function registerCertificatePolicyGetCommand(policy: Command, env: CliEnvironment): void {
  const cmd = policy
    .command('get')
    .description('show the renewal policy of each usage (a usage without one is renewed by hand)')
    .option('--type <usage>', 'only this usage')
    .action(
      defineAction<PolicyGetOptions>(env, async ({ opts, printer, ...ctx }) => {
        const { services } = await ctx.deployment();
        const policies = await services.renewal.getPolicies(opts.type);
        printer.result({ policies }, () =>
          policies.length === 0
            ? `no renewal policy${opts.type ? ` for ${opts.type}` : ''}: certificates are renewed by hand`
            : renderPolicies(policies),
        );
      }),
    );
  example(cmd, 's2s certificate policy get', 's2s certificate policy get --type OAuthTokenIssuer --json');
}
