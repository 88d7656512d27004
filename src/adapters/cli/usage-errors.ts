/**
 * Usage errors of the command line, each with the one fix that applies: commander's own message kept whole
 * (with its "did you mean" suggestion), and the exact `--help` to run for the command that was meant.
 */
import type { Command, CommanderError } from 'commander';
import { closestMatch } from '../../core/shared/did-you-mean.ts';
import { S2sError } from '../../core/shared/errors.ts';

/** Flags refused on every command because their value would be visible to other users. */
const SECRET_FLAGS: Readonly<Record<string, string>> = {
  '--password':
    'pass it in a file: --password-file <file> (- reads standard input), or --password-env <VARIABLE>',
};

/** An ERR_USAGE error for a flag that must never carry a secret on the command line, or undefined. */
export function refusedSecretFlag(argv: readonly string[]): S2sError | undefined {
  for (const arg of argv) {
    const flag = arg.split('=')[0]!;
    const fix = SECRET_FLAGS[flag];
    if (fix)
      return new S2sError(
        'ERR_USAGE',
        'usage',
        `${flag} is not accepted: a password on the command line is visible to other users (ps, shell history)`,
        { flag },
        { fix },
      );
  }
  return undefined;
}

/** The ERR_USAGE error for a commander parse failure of `argv`. */
export function usageError(err: CommanderError, program: Command, argv: readonly string[]): S2sError {
  const lines = err.message
    .replace(/^error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // commander puts its suggestion on a second line: "(Did you mean partner?)".
  const message = lines.join(' ').replace('(Did you mean', '(did you mean') || 'invalid arguments';
  const path = commandPath(program, argv);
  return new S2sError(
    'ERR_USAGE',
    'usage',
    message,
    { argv: argv.filter((a) => !a.startsWith('-')) },
    {
      fix: `run \`${['s2s', ...path, '--help'].join(' ')}\` for the usage and an example`,
    },
  );
}

/** The command names of argv that exist (e.g. ["partner", "new"]), with a mistyped one corrected when close. */
function commandPath(program: Command, argv: readonly string[]): string[] {
  const path: string[] = [];
  let current = program;
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    const names = current.commands.map((c) => c.name());
    const name = names.includes(word) ? word : closestMatch(word, names);
    const next = current.commands.find((c) => c.name() === name);
    if (!next) break;
    path.push(next.name());
    current = next;
  }
  return path;
}
