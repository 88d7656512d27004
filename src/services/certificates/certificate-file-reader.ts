/**
 * Reads certificate files in a worker thread, so PBKDF2 / PKCS#12 key derivation on a hostile or slow
 * file never blocks the server's event loop. One worker serves every read of the process (a long-running
 * server starts it once); it starts from a plain-JavaScript bundle, holds a memory cap, and is not kept
 * alive while idle. A read is bounded by the work it may do (CERTIFICATE_FILE_LIMITS: size, iterations,
 * items, total hash iterations), never by wall-clock time, so a busy machine only makes it slower.
 */
import { Worker } from 'node:worker_threads';
import { CERTIFICATE_FILE_LIMITS, certificateError } from '../../core/certificates/index.ts';
import type {
  CertificateFileContents,
  CertificateFileInput,
  CertificateFileLimits,
} from '../../core/certificates/index.ts';
import { S2sError } from '../../core/index.ts';
import type { CertificateFileJob, CertificateFileReply } from './certificate-file-worker.ts';
import { certificateWorkerScript } from './certificate-worker-source.ts';

interface Pending {
  resolve(contents: CertificateFileContents): void;
  reject(err: Error): void;
}

/** A reusable certificate-reading worker thread. */
export class CertificateReaderThread {
  #worker: Promise<Worker> | undefined;
  #live: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #started = 0;

  /** Reads one file in the worker (see `readCertificateFile` for formats and errors). */
  async read(input: CertificateFileInput, limits: CertificateFileLimits): Promise<CertificateFileContents> {
    const worker = await this.#ensure();
    const job: CertificateFileJob = { id: this.#nextId++, input, limits };
    return new Promise((resolve, reject) => {
      this.#pending.set(job.id, { resolve, reject });
      worker.ref();
      worker.postMessage(job);
    });
  }

  /** How many worker threads this reader has started (one, unless a worker died). */
  get workersStarted(): number {
    return this.#started;
  }

  /** Stops the worker; a later read starts a new one. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await (await worker).terminate();
  }

  #ensure(): Promise<Worker> {
    this.#worker ??= this.#start().catch((err: unknown) => {
      this.#worker = undefined;
      throw new S2sError(
        'ERR_INTERNAL',
        'internal',
        `the certificate reader cannot start: ${firstLine(err)}`,
      );
    });
    return this.#worker;
  }

  async #start(): Promise<Worker> {
    const { script, eval: isSource } = await certificateWorkerScript();
    const worker = new Worker(script, {
      eval: isSource,
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    this.#started += 1;
    this.#live = worker;
    worker.unref();
    worker.on('message', (reply: CertificateFileReply) => this.#settle(worker, reply));
    // A worker that dies (out of memory, a bug) fails the reads it held; the next read starts a new one.
    worker.on('error', (err) => this.#retire(worker, `the certificate reader failed: ${firstLine(err)}`));
    worker.on('exit', (code) => this.#retire(worker, `the certificate reader stopped (exit ${code})`));
    return worker;
  }

  #settle(worker: Worker, reply: CertificateFileReply): void {
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) worker.unref();
    if (!pending) return;
    if (reply.ok) pending.resolve(revive(reply.contents));
    else
      pending.reject(
        new S2sError(reply.error.code, reply.error.category, reply.error.message, reply.error.details),
      );
  }

  #retire(worker: Worker, message: string): void {
    if (this.#live !== worker) return;
    this.#live = undefined;
    this.#worker = undefined;
    for (const pending of this.#pending.values())
      pending.reject(new S2sError('ERR_INTERNAL', 'internal', message));
    this.#pending.clear();
  }
}

/** The process's certificate reader. */
export const certificateReader = new CertificateReaderThread();

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
  return certificateReader.read(input, limits);
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

function revive(c: CertificateFileContents): CertificateFileContents {
  return {
    ...c,
    certificate: Buffer.from(c.certificate),
    chain: c.chain.map((d) => Buffer.from(d)),
    privateKey: c.privateKey ? Buffer.from(c.privateKey) : null,
  };
}
