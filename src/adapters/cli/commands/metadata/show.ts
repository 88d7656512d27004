/** `s2s metadata show`: prints our authentication metadata document (or discovery / JWKS) without a server. */
import type { Command } from 'commander';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

interface ShowOptions {
  url?: string;
  document: string;
}

const DOCUMENTS = ['metadata', 'openid-configuration', 'jwks'] as const;

export function registerMetadataShowCommand(metadata: Command, env: CliEnvironment): void {
  const cmd = metadata
    .command('show')
    .description('print our metadata document as partners will see it')
    .option(
      '--url <url>',
      'the URL to show it as requested on (fills endpoints[0].location; default https://<first host name>/metadata/json/1)',
    )
    .option('--document <name>', `${DOCUMENTS.join(' | ')}`, 'metadata')
    .action(
      defineAction<ShowOptions>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const { services } = await ctx.deployment();
        const url = opts.url ?? (await services.metadata.defaultUrl());
        try {
          new URL(url);
        } catch {
          throw sharedError('ERR_USAGE', `--url "${url.slice(0, 200)}" is not an absolute URL`, {});
        }
        const doc = await documentNamed(opts.document, url, services.metadata);
        if (publishesNoKeys(doc))
          printer.warn({
            code: 'WARN_METADATA_NO_KEYS',
            message: 'the document publishes no signing key: no OAuthTokenIssuer certificate is assigned',
            details: {},
          });
        printer.result({ document: doc }, () => JSON.stringify(doc, null, 2));
      }),
    );
  example(
    cmd,
    's2s metadata show',
    's2s metadata show --url https://pool.contoso.com/metadata/json/1',
    's2s metadata show --document jwks',
  );
}

/** True for a metadata document or JWKS whose `keys` is empty. */
function publishesNoKeys(doc: unknown): boolean {
  const keys = (doc as { keys?: unknown } | null)?.keys;
  return Array.isArray(keys) && keys.length === 0;
}

async function documentNamed(
  name: string,
  url: string,
  partners: {
    document(u: string): Promise<unknown>;
    openIdConfiguration(u: string): Promise<unknown>;
    jwks(): Promise<unknown>;
  },
): Promise<unknown> {
  if (name === 'metadata') return partners.document(url);
  if (name === 'openid-configuration') return partners.openIdConfiguration(url);
  if (name === 'jwks') return partners.jwks();
  throw sharedError('ERR_USAGE', `--document must be one of ${DOCUMENTS.join(', ')}`, {});
}
