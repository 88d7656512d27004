/** `s2s ca init`: creates the root CA (and optionally an issuing intermediate) and the WebServer template. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { withProgress } from '../../progress.ts';

interface Options {
  name?: string;
  keySize?: string;
  intermediate?: string;
  crlUrl?: string;
  trust?: boolean;
  trustForTls?: boolean;
}

export function registerCaInitCommand(ca: Command, env: CliEnvironment): void {
  const cmd = ca
    .command('init')
    .description(
      "create the deployment's CA: an RSA root (20 years) and optionally an intermediate beneath it",
    )
    .option('--name <dn>', 'root subject', 'CN=S2S Enterprise Root CA')
    .option('--key-size <bits>', 'RSA key size of the CA keys: 3072 or 4096', '3072')
    .option('--intermediate <dn>', 'also create an issuing intermediate CA with this subject')
    .option(
      '--crl-url <url>',
      'CRL distribution point written into issued certificates (e.g. https://pool.contoso.com/ca/crl)',
    )
    .option(
      '--trust-for-tls',
      "also add the new root to this deployment's trusted roots, so outbound TLS (partner metadata, storage) accepts certificates this CA issues",
    )
    .option('--no-trust', 'accepted for old scripts: not trusting the root is now the default')
    .action(
      defineAction<Options>(env, async ({ opts, printer, deployment }) => {
        const keySize = Number(opts.keySize ?? '3072');
        if (keySize !== 3072 && keySize !== 4096)
          throw sharedError('ERR_USAGE', '--key-size must be 3072 or 4096');
        const { services } = await deployment();
        const doc = await withProgress(
          env.io,
          printer.json,
          `Creating the CA keys (RSA ${keySize}) and certificates`,
          () =>
            services.ca.authority.init({
              name: opts.name,
              keySize,
              intermediateName: opts.intermediate,
              crlUrl: opts.crlUrl,
            }),
        );
        // Trusting our own CA for outbound TLS is a separate, explicit decision (docs/ca.md "Trusting the
        // root"): otherwise any enrollment account could mint a certificate a partner URL would be trusted
        // with. The request wizard's status uses the CA's root either way.
        const trusted = opts.trustForTls === true;
        if (trusted) await services.ca.trustedRoots.add(Buffer.from(doc.root.certificate, 'base64'));
        const data = {
          name: doc.name,
          rootThumbprint: doc.root.thumbprint,
          intermediateThumbprint: doc.intermediate?.thumbprint ?? null,
          crlUrl: doc.crlUrl,
          trusted,
        };
        printer.result(data, () =>
          formatList({
            CA: data.name,
            RootThumbprint: data.rootThumbprint,
            IntermediateThumbprint: data.intermediateThumbprint,
            CrlUrl: data.crlUrl,
            TrustedRoot: trusted,
          }),
        );
      }),
    );
  example(
    cmd,
    's2s ca init',
    's2s ca init --key-size 4096 --intermediate "CN=Contoso Issuing CA" --crl-url https://pool.contoso.com/ca/crl',
  );
}
