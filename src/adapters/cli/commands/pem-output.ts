/** Where an exported certificate (PEM, public) goes: a new file with --output, else standard output. */
import { writeFileSync } from 'node:fs';
import { sharedError } from '../../../core/shared/shared-errors.ts';
import type { ActionContext } from '../cli-context.ts';

/** Writes `pem` to `output` (refusing to overwrite) or stdout; with --json it goes into the document. */
export function emitPem(
  ctx: ActionContext<{ output?: string }>,
  data: Record<string, unknown>,
  pem: string,
  what: string,
): void {
  const { opts, printer, io } = ctx;
  if (opts.output !== undefined) {
    try {
      writeFileSync(opts.output, pem, { mode: 0o644, flag: 'wx' });
    } catch (err) {
      const exists = (err as { code?: string }).code === 'EEXIST';
      throw sharedError(
        'ERR_INVALID_INPUT',
        exists
          ? `${opts.output} already exists; choose another --output or remove it first`
          : `cannot write ${opts.output}`,
        { path: opts.output },
      );
    }
    printer.result({ ...data, path: opts.output }, () => `wrote ${what} to ${opts.output}`);
    return;
  }
  if (printer.json) printer.result({ ...data, pem }, () => '');
  else io.stdout.write(pem);
}
