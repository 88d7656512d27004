/**
 * `s2s token new`: an app-only or act-as token for a partner (docs/protocol.md §2.3, §2.4). The only command
 * that prints a token: stdout carries the token alone (for `curl -H "Authorization: Bearer $(…)"`).
 */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import type { IssueUser } from '../../../../services/index.ts';

interface NewOptions {
  partner: string;
  host: string;
  user?: string;
  smtp?: string;
  upn?: string;
  sid?: string;
}

export function registerTokenNewCommand(token: Command, env: CliEnvironment): void {
  const cmd = token
    .command('new')
    .description('issue a token for a partner application (app-only, or act-as with --user)')
    .requiredOption('--partner <identity>', 'partner application identity (s2s partner get)')
    .requiredOption(
      '--host <target host>',
      'host the partner is called on, e.g. mail.contoso.com (the audience host)',
    )
    .option('--user <sip uri>', 'act as this user (adds an unsigned outer token around the signed actor)')
    .option('--smtp <address>', "the user's primary SMTP address (default: the SIP address)")
    .option('--upn <upn>', "the user's UPN (default: the SMTP address)")
    .option('--sid <sid>', "the user's AD SID: sent as nameid with nii urn:office:idp:activedirectory")
    .action(
      defineAction<NewOptions>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const { services } = await ctx.deployment();
        const issued = await services.tokens.issue({
          partner: opts.partner,
          host: opts.host,
          ...(opts.user ? { user: userOf(opts) } : {}),
        });
        printer.result(
          {
            token: issued.token,
            audience: issued.audience,
            expiresAt: issued.expiresAt.toISOString(),
            x5t: issued.x5t,
            mode: opts.user ? 'user' : 'app',
          },
          () => issued.token,
        );
      }),
    );
  example(
    cmd,
    's2s token new --partner microsoft.exchange --host mail.contoso.com',
    's2s token new --partner microsoft.exchange --host mail.contoso.com --user sip:kenmyer@litwareinc.com --json',
  );
}

function userOf(opts: NewOptions): IssueUser {
  return {
    sip: opts.user!,
    ...(opts.smtp !== undefined ? { smtp: opts.smtp } : {}),
    ...(opts.upn !== undefined ? { upn: opts.upn } : {}),
    ...(opts.sid !== undefined ? { sid: opts.sid } : {}),
  };
}
