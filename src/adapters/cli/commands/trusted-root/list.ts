/** `s2s trusted-root list`. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerTrustedRootListCommand(root: Command, env: CliEnvironment): void {
  const cmd = root
    .command('list')
    .description('list trusted root CAs')
    .action(
      defineAction(env, async ({ printer, deployment }) => {
        const roots = (await (await deployment()).services.ca.trustedRoots.list()).map(
          ({ certificate: _der, ...rest }) => rest,
        );
        printer.result(
          { roots },
          () =>
            roots.map((r) => `${r.thumbprint}  ${r.subject}  (until ${r.notAfter})`).join('\n') ||
            'no trusted roots',
        );
      }),
    );
  example(cmd, 's2s trusted-root list');
}
