/**
 * Worker-thread entry: reads certificate files (key derivation included) off the server's event loop, one
 * job per message, for as long as the thread lives. It imports the reader modules directly, not through an
 * index, so its bundle (certificate-worker-source.ts) holds only what reading a file needs.
 */
import { parentPort } from 'node:worker_threads';
import { readCertificateFile } from '../../core/certificates/certificate-file.ts';
import type {
  CertificateFileContents,
  CertificateFileInput,
} from '../../core/certificates/certificate-file.ts';
import type { CertificateFileLimits } from '../../core/certificates/certificate-file-limits.ts';
import { S2sError } from '../../core/shared/errors.ts';
import type { ErrorCategory } from '../../core/shared/errors.ts';

/** What the parent sends: one file to read. */
export interface CertificateFileJob {
  readonly id: number;
  readonly input: CertificateFileInput;
  readonly limits: CertificateFileLimits;
}

/** What the worker answers: the contents, or a secret-free error. */
export type CertificateFileReply =
  | { readonly id: number; readonly ok: true; readonly contents: CertificateFileContents }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: {
        code: string;
        category: ErrorCategory;
        message: string;
        details: Record<string, unknown>;
      };
    };

/** Reads one file; never throws (every failure becomes an error reply). */
export function answer(job: CertificateFileJob): CertificateFileReply {
  const input: CertificateFileInput = {
    ...job.input,
    bytes: Buffer.from(job.input.bytes),
    ...(job.input.keyBytes ? { keyBytes: Buffer.from(job.input.keyBytes) } : {}),
  };
  try {
    return { id: job.id, ok: true, contents: readCertificateFile(input, job.limits) };
  } catch (err) {
    const error =
      err instanceof S2sError
        ? err.toJSON()
        : {
            code: 'ERR_INTERNAL',
            category: 'internal' as const,
            message: 'reading the certificate file failed unexpectedly',
            details: {},
          };
    return { id: job.id, ok: false, error };
  }
}

parentPort?.on('message', (job: CertificateFileJob) => parentPort?.postMessage(answer(job)));
