/**
 * The CLI's one reader of certificate files (`certificate import --path/--key-path`, `partner new|set
 * --certificate-file`, `trusted-root add --path`): at most CERTIFICATE_FILE_LIMITS.maxFileBytes are read,
 * whatever the file is (`/dev/zero`, a FIFO, a huge file); one byte more is refused with
 * `ERR_CERTIFICATE_FILE_TOO_LARGE` before anything is parsed (docs/security.md §6.1).
 */
import { certificateError } from '../../core/certificates/certificate-errors.ts';
import { CERTIFICATE_FILE_LIMITS } from '../../core/certificates/certificate-file-limits.ts';
import type { S2sError } from '../../core/index.ts';
import { readFileBounded } from './bounded-read.ts';

/** The bytes of the certificate file at `path`; `unreadable` names a file that cannot be opened or read. */
export function readCertificateInput(
  path: string,
  unreadable: (cause: NodeJS.ErrnoException) => S2sError,
): Promise<Buffer> {
  const max = CERTIFICATE_FILE_LIMITS.maxFileBytes;
  return readFileBounded(path, max, {
    tooLarge: () =>
      certificateError(
        'ERR_CERTIFICATE_FILE_TOO_LARGE',
        `${path} holds more than ${max} bytes; at most ${max} are read`,
        {
          path,
        },
      ),
    unreadable,
  });
}
