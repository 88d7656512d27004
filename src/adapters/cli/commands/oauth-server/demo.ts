/**
 * `s2s oauth-server demo`: a loopback ACS-shaped OAuth server in the foreground, for trying the hybrid
 * setup on one machine (docs/hybrid.md "Trying it on one machine"). Its clients are read from their
 * metadata documents (`s2s metadata show > our-metadata.json`). Plain http on loopback only: register it
 * with `--allow-insecure-http`. Never a production server.
 */
import type { Command } from 'commander';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { isJsonObject, member, stringMember } from '../../../../core/metadata/index.ts';
import { readFileBounded } from '../../bounded-read.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

interface DemoOptions {
  listen: string;
  tenant: string;
  clientMetadata: string[];
}

/** Largest client metadata file read. */
const MAX_METADATA_BYTES = 256 * 1024;

export function registerOAuthServerDemoCommand(parent: Command, env: CliEnvironment): void {
  const cmd = parent
    .command('demo')
    .description('run a loopback ACS-shaped OAuth server in the foreground (demonstrations and tests only)')
    .requiredOption('--tenant <guid>', 'the tenant id it issues for')
    .requiredOption(
      '--client-metadata <file...>',
      'metadata documents of its clients (`s2s metadata show > our-metadata.json`): service name and signing certificates',
    )
    .option('--listen <host:port>', 'loopback address to listen on', '127.0.0.1:8444')
    .action(
      defineAction<DemoOptions>(env, async ({ opts, printer }) => {
        const match = /^(.+):(\d{1,5})$/.exec(opts.listen.trim());
        if (!match) throw sharedError('ERR_USAGE', `--listen "${opts.listen.slice(0, 60)}" is not host:port`);
        const clients = new Map<string, Buffer[]>();
        for (const path of opts.clientMetadata) {
          const [id, certs] = await readClient(path);
          clients.set(id, [...(clients.get(id) ?? []), ...certs]);
        }
        // Loaded when run: it brings the CA engine (X.509), which `s2s --help` must not load.
        const { startDemoOAuthServer } = await import('../../../http/demo-oauth-server.ts');
        const server = await startDemoOAuthServer({
          host: match[1]!.replace(/^\[|\]$/g, ''),
          port: Number(match[2]),
          tenant: opts.tenant,
          clients,
        });
        printer.result(
          {
            url: server.url,
            metadataUrl: server.metadataUrl,
            tenant: opts.tenant.toLowerCase(),
            clients: [...clients.keys()],
          },
          () =>
            `s2s demo OAuth server listening on ${server.url}\n  metadata URL: ${server.metadataUrl}\n  tenant: ${opts.tenant.toLowerCase()}\n  clients: ${[...clients.keys()].join(', ')}\nStop it with Ctrl-C.`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
      }),
    );
  example(
    cmd,
    's2s metadata show > our-metadata.json && s2s oauth-server demo --tenant 52aa6841-b76b-4ed4-a3d7-a259fce1dfa2 --client-metadata our-metadata.json',
  );
}

/** A client's service name and certificates from its metadata document. */
async function readClient(path: string): Promise<[string, Buffer[]]> {
  const bytes = await readFileBounded(path, MAX_METADATA_BYTES, {
    tooLarge: () => sharedError('ERR_USAGE', `${path} is larger than ${MAX_METADATA_BYTES} bytes`, { path }),
    unreadable: (err) => sharedError('ERR_USAGE', `cannot read ${path} (${err.code ?? 'error'})`, { path }),
  });
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw sharedError('ERR_USAGE', `${path} is not a readable metadata document (JSON)`, { path });
  }
  const id = isJsonObject(doc) ? stringMember(doc, 'serviceName') : undefined;
  const keys = isJsonObject(doc) ? member(doc, 'keys') : undefined;
  const certs = (Array.isArray(keys) ? keys : []).flatMap((k) => {
    const value = isJsonObject(k) ? member(k, 'keyValue') : undefined;
    const b64 = isJsonObject(value) ? stringMember(value, 'value') : undefined;
    return b64 === undefined ? [] : [Buffer.from(b64, 'base64')];
  });
  if (id === undefined || certs.length === 0)
    throw sharedError('ERR_USAGE', `${path} names no serviceName or no signing certificate`, { path });
  return [id.toLowerCase(), certs];
}
