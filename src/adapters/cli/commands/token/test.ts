/**
 * `s2s token test`: runs the same validation as the server, as named steps with verdicts; exits 5 with
 * the refusal code (and its Exchange diagnostic) when the token is refused. Never prints the token.
 */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { sharedError } from '../../../../core/index.ts';
import { tokenError } from '../../../../core/tokens/index.ts';
import type { S2sPrincipal, TokenErrorCode, ValidationStep } from '../../../../core/tokens/index.ts';

export function registerTokenTestCommand(token: Command, env: CliEnvironment): void {
  const cmd = token
    .command('test')
    .description('explain, step by step, why a token is accepted or refused (exit 5 when refused)')
    .argument('<token>', 'the token, `Bearer <token>`, or - to read it from standard input')
    .requiredOption(
      '--url <request url>',
      'the URL the token is presented to (its host is checked against the audience)',
    )
    .action(
      defineAction<{ url: string }>(env, async (ctx) => {
        const { opts, args, io, printer } = ctx;
        const raw = args[0] === '-' ? await readStdin(io) : (args[0] ?? '');
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
    's2s token test "$TOKEN" --url https://pool.contoso.com/ucwa',
    's2s token test - --url https://pool.contoso.com/ --json < token.txt',
  );
}

/** Bytes read from standard input at most (a token is at most 16 384 characters; docs/security.md §6.1). */
const TOKEN_INPUT_MAX_BYTES = 64 * 1024;

async function readStdin(io: {
  readonly readStdin?: (maxBytes: number) => Promise<string>;
}): Promise<string> {
  if (!io.readStdin)
    throw sharedError('ERR_USAGE', 'standard input is not available: pass the token as an argument');
  return io.readStdin(TOKEN_INPUT_MAX_BYTES);
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
