/** `s2s trusted-root export`: one trusted root CA as PEM. */
import type { Command } from 'commander';
import { caError } from '../../../../core/ca/ca-errors.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { toPem } from '../../../../ca/pem.ts';
import { emitPem } from '../pem-output.ts';

interface ExportOptions {
  thumbprint?: string;
  output?: string;
}

export function registerTrustedRootExportCommand(root: Command, env: CliEnvironment): void {
  const cmd = root
    .command('export')
    .description('print a trusted root CA as PEM (the only one, or the one named by --thumbprint)')
    .option('--thumbprint <sha1>', 'which root (see `s2s trusted-root list`)')
    .option('--output <file>', 'write it to this new file instead of standard output')
    .action(
      defineAction<ExportOptions>(env, async (ctx) => {
        const roots = await (await ctx.deployment()).services.ca.trustedRoots.list();
        const wanted = ctx.opts.thumbprint?.replace(/[\s:]/g, '').toUpperCase();
        const matches = wanted === undefined ? roots : roots.filter((r) => r.thumbprint === wanted);
        if (matches.length !== 1) {
          const known = roots.map((r) => r.thumbprint).join(', ') || 'none';
          throw caError(
            'ERR_CA_TRUSTED_ROOT_UNKNOWN',
            wanted === undefined
              ? `${roots.length} trusted roots: name one with --thumbprint (${known})`
              : `no trusted root has thumbprint ${wanted} (trusted: ${known})`,
            { thumbprint: wanted ?? null },
          );
        }
        const found = matches[0]!;
        const pem = toPem(Buffer.from(found.certificate, 'base64'));
        emitPem(
          ctx,
          { thumbprint: found.thumbprint, subject: found.subject },
          pem,
          `root ${found.thumbprint}`,
        );
      }),
    );
  example(
    cmd,
    's2s trusted-root export > root.pem',
    's2s trusted-root export --thumbprint 3B1EFD3A66EA28B16697394703A72CA340A05BD5 --output root.pem',
  );
}
