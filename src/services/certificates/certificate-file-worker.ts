/**
 * Worker-thread entry: reads one certificate file (key derivation included) off the server's event loop.
 * Receives {@link CertificateFileJob} as workerData and posts back the contents or a secret-free error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readCertificateFile } from '../../core/certificates/index.ts';
import type { CertificateFileInput, CertificateFileLimits } from '../../core/certificates/index.ts';
import { S2sError } from '../../core/index.ts';

/** What the parent sends. */
export interface CertificateFileJob {
  readonly input: CertificateFileInput;
  readonly limits: CertificateFileLimits;
}

function run(job: CertificateFileJob): void {
  const input: CertificateFileInput = {
    ...job.input,
    bytes: Buffer.from(job.input.bytes),
    ...(job.input.keyBytes ? { keyBytes: Buffer.from(job.input.keyBytes) } : {}),
  };
  try {
    parentPort?.postMessage({ ok: true, contents: readCertificateFile(input, job.limits) });
  } catch (err) {
    const error =
      err instanceof S2sError
        ? err.toJSON()
        : {
            code: 'ERR_INTERNAL',
            category: 'internal',
            message: 'reading the certificate file failed unexpectedly',
            details: {},
          };
    parentPort?.postMessage({ ok: false, error });
  }
}

run((workerData as { job: CertificateFileJob }).job);
