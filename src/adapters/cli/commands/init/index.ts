/** `s2s init`: creates the data directory, the master key and the OAuth configuration (realm, service name). */
import { chmodSync, mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { ensureMasterKeyFile } from '../../../../config/master-key.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';

interface InitOptions {
  realm: string;
  serviceName?: string;
  hostName?: string[];
  force?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

export function registerInitCommand(program: Command, env: CliEnvironment): void {
  const cmd = program
    .command('init')
    .description('initialize a deployment: data directory, master key, store and OAuth configuration')
    .requiredOption('--realm <sip domain>', 'the OAuth realm: the SIP domain, e.g. contoso.com')
    .option(
      '--service-name <guid>',
      'our principal id (default 00000004-0000-0ff1-ce00-000000000000, Skype/Lync)',
    )
    .option(
      '--host-name <authority...>',
      'host names partners address us by (repeatable or comma-separated)',
      collect,
    )
    .option('--force', 're-initialize the OAuth configuration of an initialized store')
    .action(
      defineAction<InitOptions>(env, async ({ opts, printer, env: cliEnv, ...ctx }) => {
        const config = cliEnv.resolveConfig(opts);
        mkdirSync(config.home, { recursive: true, mode: 0o700 });
        chmodSync(config.home, 0o700);
        const createdKey = ensureMasterKeyFile(config.masterKey, config.masterKeyFile);
        const { services, store } = await ctx.deployment();
        const oauth = await services.oauth.initialize({
          realm: opts.realm,
          ...(opts.serviceName !== undefined ? { serviceName: opts.serviceName } : {}),
          ...(opts.hostName !== undefined ? { hostNames: opts.hostName } : {}),
          force: opts.force === true,
        });
        const masterKey =
          config.masterKey !== undefined
            ? 'S2S_MASTER_KEY'
            : createdKey
              ? `${config.masterKeyFile} (created, mode 600)`
              : config.masterKeyFile;
        printer.result({ home: config.home, store: store.location, masterKey, oauth }, () =>
          formatList({
            Home: config.home,
            Store: store.location,
            MasterKey: masterKey,
            Realm: oauth.realm,
            ServiceName: oauth.serviceName,
            HostNames: oauth.hostNames,
          }),
        );
      }),
    );
  example(
    cmd,
    's2s init --realm contoso.com --host-name s2s.contoso.com',
    'S2S_HOME=/var/lib/s2s s2s init --realm contoso.com --force',
  );
}
