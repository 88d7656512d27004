/** `s2s ca crl`: writes a freshly signed CRL (the server also publishes it at GET /ca/crl). */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { toPem } from '../../../../ca/pem.ts';

export function registerCaCrlCommand(ca: Command, env: CliEnvironment): void {
  const cmd = ca
    .command('crl')
    .description('write the current CRL (DER, or PEM with --pem)')
    .requiredOption('--output <path>', 'file to write')
    .option('--pem', 'write PEM instead of DER')
    .action(
      defineAction<{ output: string; pem?: boolean }>(env, async ({ opts, printer, deployment }) => {
        const der = await (await deployment()).services.ca.authority.crl();
        await writeFile(opts.output, opts.pem ? toPem(der, 'X509 CRL') : der);
        printer.result({ output: opts.output, bytes: der.length }, () => `CRL written to ${opts.output}`);
      }),
    );
  example(cmd, 's2s ca crl --output contoso.crl');
}
