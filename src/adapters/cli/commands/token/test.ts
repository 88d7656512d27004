/**
 * `s2s token test`: runs the same validation as the server, as named steps with verdicts; exits 5 with
 * the refusal code (and its Exchange diagnostic) when the token is refused. Never prints the token, and
 * reads it only from a file or standard input: a token on the command line is visible to other users, so
 * the old positional form is refused with ERR_TOKEN_ON_COMMAND_LINE (docs/security.md "Tokens on the
 * command line").
 */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { readFileBounded } from '../../bounded-read.ts';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { tokenError } from '../../../../core/tokens/index.ts';
import type { S2sPrincipal, TokenErrorCode, ValidationStep } from '../../../../core/tokens/index.ts';

export function registerTokenTestCommand(token: Command, env: CliEnvironment): void {
  const cmd = token
    .command('test')
    .description('explain, step by step, why a token is accepted or refused (exit 5 when refused)')
    .argument('[-]', 'refused except `-` (standard input): a token on the command line is visible to others')
    .option('--token-file <path>', 'the file holding the token (or `Bearer <token>`); - reads standard input')
    .requiredOption(
      '--url <request url>',
      'the URL the token is presented to (its host is checked against the audience)',
    )
    .action(
      defineAction<{ url: string; tokenFile?: string }>(env, async (ctx) => {
        const { opts, args, io, printer } = ctx;
        const raw = await readToken(tokenPath(args[0], opts.tokenFile), io);
        const tokenText = raw.trim().replace(/^Bearer\s+/i, '');
        const { services } = await ctx.deployment();
        const report = await services.tokens.explain(tokenText, opts.url);
        const steps = report.steps.map((s) => ({ ...s }));
        if (report.outcome.ok) {
          printer.result(
            { accepted: true, steps, principal: principalJson(report.outcome.principal) },
            () =>
              `${renderSteps(report.steps)}\n\naccepted\n${formatList(principalRows(report.outcome.ok ? report.outcome.principal : null))}`,
          );
          return;
        }
        const { refusal } = report.outcome;
        if (!printer.json)
          io.stdout.write(
            `${renderSteps(report.steps)}\n\nrefused: ${refusal.code} (${refusal.diagnostic.code} ${refusal.diagnostic.category})\n`,
          );
        throw tokenError(refusal.code as TokenErrorCode, refusal.message, {
          steps,
          diagnostic: refusal.diagnostic,
          wwwAuthenticate: refusal.wwwAuthenticate,
          msDiagnostics: refusal.msDiagnostics,
        });
      }),
    );
  example(
    cmd,
    's2s token test --token-file token.txt --url https://pool.contoso.com/ucwa',
    'printf %s "$TOKEN" | s2s token test --token-file - --url https://pool.contoso.com/ --json',
  );
}

/** Bytes read from standard input at most (a token is at most 16 384 characters; docs/security.md §6.1). */
const TOKEN_INPUT_MAX_BYTES = 64 * 1024;

/** Where the token comes from: `--token-file`, or `-` as the argument; any other argument is a token. */
function tokenPath(argument: string | undefined, tokenFile: string | undefined): string {
  if (argument !== undefined && argument !== '-')
    throw sharedError(
      'ERR_TOKEN_ON_COMMAND_LINE',
      'a token on the command line is visible to other users (ps, shell history): pass --token-file <file>, or --token-file - to read standard input',
    );
  if (argument === '-' && tokenFile !== undefined)
    throw sharedError('ERR_USAGE', 'pass the token once: --token-file <file> or -, not both');
  const path = tokenFile ?? argument;
  if (path === undefined)
    throw sharedError('ERR_USAGE', 'pass the token in a file: --token-file <file> (- reads standard input)');
  return path;
}

async function readToken(
  path: string,
  io: { readonly readStdin?: (maxBytes: number) => Promise<string> },
): Promise<string> {
  if (path === '-') {
    if (!io.readStdin)
      throw sharedError('ERR_USAGE', 'standard input is not available: pass --token-file <file>');
    return io.readStdin(TOKEN_INPUT_MAX_BYTES);
  }
  const bytes = await readFileBounded(path, TOKEN_INPUT_MAX_BYTES, {
    tooLarge: () =>
      sharedError(
        'ERR_INPUT_TOO_LARGE',
        `the token file ${path} is larger than ${TOKEN_INPUT_MAX_BYTES} bytes`,
        {
          path,
        },
      ),
    unreadable: (err) =>
      sharedError('ERR_INVALID_INPUT', `cannot read the token file ${path} (${err.code ?? 'error'})`, {
        path,
      }),
  });
  return bytes.toString('utf8');
}

function renderSteps(steps: readonly ValidationStep[]): string {
  const width = Math.max(...steps.map((s) => s.name.length));
  return steps
    .map(
      (s) =>
        `${s.verdict === 'pass' ? 'PASS' : 'FAIL'}  ${s.name.padEnd(width)}  ${s.detail}${s.code ? ` [${s.code}]` : ''}`,
    )
    .join('\n');
}

function principalJson(p: S2sPrincipal) {
  return { ...p, user: p.user ? { ...p.user } : null, expiresAt: p.expiresAt.toISOString() };
}

function principalRows(p: S2sPrincipal | null): Record<string, unknown> {
  if (!p) return {};
  return {
    Kind: p.kind,
    Partner: p.partnerIdentity,
    ApplicationIdentifier: p.applicationIdentifier,
    Realm: p.realm,
    TrustLevel: p.trustLevel,
    Mode: p.mode === 'app' ? 'app-only' : 'act-as',
    User: p.user ? `${p.user.nameid}${p.user.nii ? ` (${p.user.nii})` : ''}` : '',
    ExpiresAt: p.expiresAt,
    SigningThumbprint: p.signingThumbprint,
  };
}
