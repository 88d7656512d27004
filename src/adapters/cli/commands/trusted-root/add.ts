/** `s2s trusted-root add --path <root.pem>`. */
import type { Command } from 'commander';
import { readCertificateInput } from '../../certificate-input.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { sharedError } from '../../../../core/shared/shared-errors.ts';

export function registerTrustedRootAddCommand(root: Command, env: CliEnvironment): void {
  const cmd = root
    .command('add')
    .description('trust a root CA (a self-signed CA certificate, PEM or DER)')
    .requiredOption('--path <file>', 'the root certificate file')
    .action(
      defineAction<{ path: string }>(env, async ({ opts, printer, deployment }) => {
        const bytes = await readCertificateInput(opts.path, () =>
          sharedError('ERR_INVALID_INPUT', `cannot read ${opts.path}`, { path: opts.path }),
        );
        const { root: added, added: isNew } = await (await deployment()).services.ca.trustedRoots.add(bytes);
        printer.result(
          { root: added, added: isNew },
          () =>
            `${isNew ? 'trusted' : 'already trusted'}:\n${formatList({ Thumbprint: added.thumbprint, Subject: added.subject, NotAfter: added.notAfter })}`,
        );
      }),
    );
  example(cmd, 's2s trusted-root add --path ./contoso-root.pem');
}
