/** The CLI adapter: `runCli(argv, env)`; the composition root supplies the environment. */
export { runCli, buildProgram } from './run-cli.ts';
export type { CliEnvironment, CliDeployment, ActionContext, GlobalOptions } from './cli-context.ts';
export { defineAction, example } from './cli-context.ts';
export { memoryIo, processIo } from './cli-io.ts';
export type { CliIo, OutputStream } from './cli-io.ts';
export { Printer, formatList } from './printer.ts';
export { EXIT_CODES } from './exit-codes.ts';
