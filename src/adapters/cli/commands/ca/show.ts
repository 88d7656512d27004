/** `s2s ca show`: the CA's certificates (optionally as PEM, to hand to `trusted-root add` elsewhere). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { toPem } from '../../../../ca/pem.ts';

export function registerCaShowCommand(ca: Command, env: CliEnvironment): void {
  const cmd = ca
    .command('show')
    .description('show the CA: root and intermediate thumbprints, templates and accounts')
    .option('--pem', 'print the CA certificates as PEM (issuing CA first, root last)')
    .action(
      defineAction<{ pem?: boolean }>(env, async ({ opts, printer, deployment, io }) => {
        const { services } = await deployment();
        const { body } = await services.ca.authority.document();
        const chain = await services.ca.authority.caChain();
        if (opts.pem && !printer.json) {
          io.stdout.write(chain.map((der) => toPem(der)).join(''));
          return;
        }
        const templates = (await services.ca.authority.listTemplates()).map((t) => t.name);
        const data = {
          name: body.name,
          rootThumbprint: body.root.thumbprint,
          intermediateThumbprint: body.intermediate?.thumbprint ?? null,
          templates,
          accounts: body.accounts.map((a) => a.name),
          crlUrl: body.crlUrl,
          ...(opts.pem ? { pem: chain.map((der) => toPem(der)).join('') } : {}),
        };
        printer.result(data, () =>
          formatList({
            CA: data.name,
            RootThumbprint: data.rootThumbprint,
            IntermediateThumbprint: data.intermediateThumbprint,
            Templates: templates,
            Accounts: data.accounts,
            CrlUrl: data.crlUrl,
          }),
        );
      }),
    );
  example(cmd, 's2s ca show', 's2s ca show --pem > contoso-ca.pem');
}
