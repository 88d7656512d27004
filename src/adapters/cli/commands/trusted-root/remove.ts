/** `s2s trusted-root remove --thumbprint <sha1>`. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerTrustedRootRemoveCommand(root: Command, env: CliEnvironment): void {
  const cmd = root
    .command('remove')
    .description('stop trusting a root CA')
    .requiredOption('--thumbprint <sha1>', 'thumbprint as `s2s trusted-root list` shows it')
    .action(
      defineAction<{ thumbprint: string }>(env, async ({ opts, printer, deployment }) => {
        await (await deployment()).services.ca.trustedRoots.remove(opts.thumbprint);
        printer.result(
          { removed: opts.thumbprint.toUpperCase() },
          () => `root ${opts.thumbprint.toUpperCase()} is no longer trusted`,
        );
      }),
    );
  example(cmd, 's2s trusted-root remove --thumbprint 3B1EFD3A66EA28B16697394703A72CA340A05BD5');
}
