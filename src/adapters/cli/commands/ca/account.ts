/** `s2s ca account add|list|remove`: CA accounts allowed to enroll over HTTPS (passwords stored with scrypt). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { readSecretFile } from './secret-file.ts';

export function registerCaAccountCommands(ca: Command, env: CliEnvironment): void {
  const account = ca
    .command('account')
    .description('CA accounts used by online enrollment (POST /ca/enroll)');
  example(
    account
      .command('add')
      .description(
        'add an account; the password is read from a file (or - for stdin), never from the command line',
      )
      .requiredOption('--name <name>', 'account name')
      .requiredOption('--password-file <path>', 'file holding the password (first line), or - for stdin')
      .option(
        '--allowed-names <list>',
        'names it may enroll, comma-separated: host names, or .domain for any name under it (default: any the template allows)',
      )
      .action(
        defineAction<{ name: string; passwordFile: string; allowedNames?: string }>(
          env,
          async ({ opts, printer, deployment, io }) => {
            const password = await readSecretFile(opts.passwordFile, io);
            const allowed = opts.allowedNames
              ?.split(',')
              .map((n) => n.trim())
              .filter(Boolean);
            await (await deployment()).services.ca.authority.accounts.add(opts.name, password, allowed);
            printer.result({ account: opts.name }, () => `CA account ${opts.name} added`);
          },
        ),
      ),
    's2s ca account add --name enroller --password-file ./enroller.pw',
  );
  example(
    account
      .command('list')
      .description('list accounts')
      .action(
        defineAction(env, async ({ printer, deployment }) => {
          const accounts = await (await deployment()).services.ca.authority.accounts.list();
          printer.result({ accounts }, () =>
            accounts
              .map((a) => `${a.name}  ${a.createdAt}  names ${a.allowedNames?.join(',') ?? 'any'}`)
              .join('\n'),
          );
        }),
      ),
    's2s ca account list',
  );
  example(
    account
      .command('remove')
      .description('remove an account')
      .requiredOption('--name <name>', 'account name')
      .action(
        defineAction<{ name: string }>(env, async ({ opts, printer, deployment }) => {
          await (await deployment()).services.ca.authority.accounts.remove(opts.name);
          printer.result({ removed: opts.name }, () => `CA account ${opts.name} removed`);
        }),
      ),
    's2s ca account remove --name enroller',
  );
}
