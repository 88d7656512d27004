/** Parses argv, runs one command, maps any failure to one line (or JSON) and an exit code. */
import { Command, CommanderError } from 'commander';
import { S2sError } from '../../core/shared/errors.ts';
import { sharedError } from '../../core/shared/shared-errors.ts';
import type { CliEnvironment } from './cli-context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { Printer } from './printer.ts';
import { registerAllCommands } from './commands/registry.ts';
import { refusedSecretFlag, usageError } from './usage-errors.ts';
import { LOCAL_ONLY_COMMANDS } from './remote-deployment.ts';
import { adminError } from '../../core/admin/admin-errors.ts';
// Imported, not read at run time: the compiled build (scripts/build.mjs) carries it in its bundle.
import packageJson from '../../../package.json' with { type: 'json' };

/** The s2s version (package.json), for `s2s --version`. */
export const S2S_VERSION: string = packageJson.version;

/** Builds the commander program (exported for --help tests and docs generation). */
export function buildProgram(env: CliEnvironment): Command {
  const program = new Command('s2s')
    .description('Server-to-server (S2S) OAuth for Skype for Business / Lync, Exchange and SharePoint')
    .option('--json', 'print one JSON document on stdout (for scripts)')
    .option('--home <dir>', 'data directory (env S2S_HOME, default ./.s2s)')
    .option('--store <location>', 'store: postgres://… URL or SQLite file path (env S2S_STORE)')
    .option('--node <fqdn>', "this server's FQDN (env S2S_NODE, default the host name)")
    .option('--server <url>', 'drive a remote server through its administration API (env S2S_SERVER)')
    .option('--token-file <file>', 'with --server: the file holding an API token (env S2S_TOKEN_FILE)')
    .option(
      '--server-ca <pem>',
      "with --server: the CA that issued the server's certificate (env S2S_SERVER_CA)",
    )
    .version(S2S_VERSION, '-V, --version', 'print the s2s version')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => env.io.stdout.write(s),
      writeErr: (s) => env.io.stderr.write(s),
      outputError: () => {},
    })
    .exitOverride();
  registerAllCommands(program, env);
  for (const sub of allCommands(program)) {
    sub.exitOverride();
    sub.configureOutput({
      writeOut: (s) => env.io.stdout.write(s),
      writeErr: (s) => env.io.stderr.write(s),
      outputError: () => {},
    });
  }
  return program;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Runs the CLI; returns the process exit code. */
export async function runCli(argv: readonly string[], env: CliEnvironment): Promise<number> {
  const program = buildProgram(env);
  const json = argv.includes('--json');
  if (argv.length === 0) {
    // No command: the overview an operator is looking for, not an error.
    env.io.stdout.write(program.helpInformation());
    return EXIT_CODES.ok;
  }
  const refused = refusedSecretFlag(argv) ?? localOnlyRemote(argv, env);
  if (refused) {
    new Printer(env.io, json).failure(refused);
    return EXIT_CODES.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // 'commander.help': a noun without a verb (`s2s partner`) printed its help; that is an answer too.
      const answered = ['commander.helpDisplayed', 'commander.help', 'commander.version'];
      if (answered.includes(err.code) || err.exitCode === 0) {
        return EXIT_CODES.ok;
      }
      new Printer(env.io, json).failure(usageError(err, program, argv));
      return EXIT_CODES.usage;
    }
    const failure = err instanceof S2sError ? err : sharedError('ERR_INTERNAL', describeUnexpected(err));
    new Printer(env.io, json).failure(failure);
    return EXIT_CODES[failure.category];
  }
}

/** One-line description of an unexpected error, without stack or secrets. */
function describeUnexpected(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message.split('\n')[0] ?? ''}`;
  return 'unexpected failure';
}

/** With --server (or S2S_SERVER), a command that works on the local S2S_HOME only is refused before it runs. */
function localOnlyRemote(argv: readonly string[], env: CliEnvironment): S2sError | undefined {
  const remote =
    argv.some((a) => a === '--server' || a.startsWith('--server=')) ||
    (env.io.env.S2S_SERVER ?? '').trim() !== '';
  if (!remote) return undefined;
  const withValue = new Set(['--home', '--store', '--node', '--server', '--token-file', '--server-ca']);
  const words = argv.filter((a, i) => !a.startsWith('-') && !withValue.has(argv[i - 1] ?? ''));
  const command = words[0];
  if (command === undefined || !LOCAL_ONLY_COMMANDS.includes(command)) return undefined;
  return adminError(
    'ERR_ADMIN_LOCAL_ONLY',
    `s2s ${command} works on the local S2S_HOME only; it cannot run with --server`,
  );
}
