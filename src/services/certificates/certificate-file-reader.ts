/**
 * Reads certificate files in a worker thread, so PBKDF2 / PKCS#12 key derivation on a hostile or slow
 * file never blocks the server's event loop, with a wall-clock limit and a memory cap on the worker.
 */
import { Worker } from 'node:worker_threads';
import { CERTIFICATE_FILE_LIMITS, certificateError } from '../../core/certificates/index.ts';
import type {
  CertificateFileContents,
  CertificateFileInput,
  CertificateFileLimits,
} from '../../core/certificates/index.ts';
import { S2sError } from '../../core/index.ts';
import type { ErrorCategory } from '../../core/index.ts';

const ENTRY = new URL('./certificate-file-worker.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');

// The worker loads TypeScript: when the parent got tsx through --import the worker inherits it; when
// tsx was registered programmatically (bin/s2s.mjs) the worker registers it itself.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  try { await import(workerData.entry); }
  catch (e) {
    if (!e || !String(e.code).endsWith('UNKNOWN_FILE_EXTENSION')) throw e;
    (await import(workerData.tsx)).register();
    await import(workerData.entry + '?tsx'); // a new URL: the failed load is cached under the old one
  }
})();
`;

type WorkerReply =
  | { ok: true; contents: CertificateFileContents }
  | {
      ok: false;
      error: { code: string; category: ErrorCategory; message: string; details: Record<string, unknown> };
    };

/** Reads a certificate file off the event loop (see `readCertificateFile` for formats and errors). */
export function readCertificateFileOffThread(
  input: CertificateFileInput,
  limits: CertificateFileLimits = CERTIFICATE_FILE_LIMITS,
): Promise<CertificateFileContents> {
  if (input.bytes.length > limits.maxFileBytes) {
    return Promise.reject(
      certificateError(
        'ERR_CERTIFICATE_FILE_TOO_LARGE',
        `the file has ${input.bytes.length} bytes; at most ${limits.maxFileBytes} are read`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { entry: ENTRY, tsx: TSX_API, job: { input, limits } },
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(
        certificateError(
          'ERR_CERTIFICATE_PARSE_TIMEOUT',
          `reading the certificate file took more than ${limits.parseTimeoutMs} ms`,
        ),
      );
    }, limits.parseTimeoutMs);
    const settle = (fn: () => void) => {
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    worker.once('message', (reply: WorkerReply) =>
      settle(() => (reply.ok ? resolve(revive(reply.contents)) : reject(revert(reply.error)))),
    );
    worker.once('error', (err) =>
      settle(() =>
        reject(
          new S2sError(
            'ERR_INTERNAL',
            'internal',
            `the certificate reader failed: ${err.message.split('\n')[0]}`,
          ),
        ),
      ),
    );
    worker.once('exit', (code) =>
      settle(() =>
        reject(new S2sError('ERR_INTERNAL', 'internal', `the certificate reader stopped (exit ${code})`)),
      ),
    );
  });
}

function revive(c: CertificateFileContents): CertificateFileContents {
  return {
    ...c,
    certificate: Buffer.from(c.certificate),
    chain: c.chain.map((d) => Buffer.from(d)),
    privateKey: c.privateKey ? Buffer.from(c.privateKey) : null,
  };
}

function revert(e: {
  code: string;
  category: ErrorCategory;
  message: string;
  details: Record<string, unknown>;
}): S2sError {
  return new S2sError(e.code, e.category, e.message, e.details);
}
