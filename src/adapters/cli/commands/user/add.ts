/** `s2s user add`: provisions a user and its mailbox. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';

interface AddOptions {
  sip: string;
  smtp: string;
  upn: string;
  sid?: string;
}

export function registerUserAddCommand(user: Command, env: CliEnvironment): void {
  const cmd = user
    .command('add')
    .description('provision a user (and its mailbox: ConversationHistory, Inbox, Dumpster, Contacts)')
    .requiredOption('--sip <sip uri>', 'SIP address, e.g. sip:kenmyer@litwareinc.com')
    .requiredOption('--smtp <address>', 'primary SMTP address')
    .requiredOption('--upn <upn>', 'user principal name')
    .option(
      '--sid <sid>',
      'Windows SID (matched only from partners with --accept-security-identifier-information)',
    )
    .action(
      defineAction<AddOptions>(env, async ({ opts, printer, deployment }) => {
        const { services } = await deployment();
        const added = await services.storage.addUser({
          sip: opts.sip,
          smtp: opts.smtp,
          upn: opts.upn,
          sid: opts.sid,
        });
        printer.result({ user: added }, () => formatList(userRows(added)));
      }),
    );
  example(
    cmd,
    's2s user add --sip sip:kenmyer@litwareinc.com --smtp kenmyer@litwareinc.com --upn kenmyer@litwareinc.com',
  );
}

/** Format-List rows of a user (shared by the user commands). */
export function userRows(u: {
  sip: string;
  smtp: string;
  upn: string;
  sid?: string;
}): Record<string, unknown> {
  return {
    SipAddress: `sip:${u.sip}`,
    PrimarySmtpAddress: u.smtp,
    UserPrincipalName: u.upn,
    Sid: u.sid ?? '',
  };
}
