/** CA account passwords come from a file or stdin: the CLI's one secret-file reader (src/adapters/cli/secret-file.ts). */
export { readSecretFile } from '../../secret-file.ts';
