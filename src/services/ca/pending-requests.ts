/**
 * Pending certificate requests (Request-CsCertificate -List/-Retrieve/-Clear; docs/protocol.md §5.4). A request
 * and its sealed private key are written in ONE batch with the id counter, before the request leaves the
 * process: a crash leaves either nothing or a pending request that still has its key (docs/ca.md).
 */
import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { caError } from '../../core/ca/ca-errors.ts';
import type { StoredDocument } from '../../store/document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { CounterDocument, PendingRequestDocument } from './ca-documents.ts';
import { requestKeyAad } from './ca-documents.ts';

const COUNTER_KEY = 'certificate-request';

/** A pending request without its key (what --list shows). */
export type PendingRequestSummary = Omit<PendingRequestDocument, 'privateKey'>;

export class PendingRequests {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Persists a new pending request with its key sealed; returns its id. Retries when ids race. */
  async create(
    request: Omit<PendingRequestDocument, 'id' | 'privateKey' | 'createdAt'>,
    privateKey: KeyObject,
  ): Promise<PendingRequestDocument> {
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    for (let attempt = 0; ; attempt++) {
      const counter = await this.#deps.store.get<CounterDocument>('counter', COUNTER_KEY);
      const id = (counter?.body.value ?? 0) + 1;
      const body: PendingRequestDocument = {
        ...request,
        id,
        createdAt: this.#deps.clock.now().toISOString(),
        privateKey: this.#deps.secretBox().seal(pkcs8, requestKeyAad(id)),
      };
      try {
        await this.#deps.store.write([
          {
            op: 'put',
            kind: 'counter',
            key: COUNTER_KEY,
            body: { value: id },
            expect: counter ? counter.version : 'absent',
          },
          { op: 'put', kind: 'certificate-request', key: String(id), body, expect: 'absent' },
        ]);
        return body;
      } catch (err) {
        if (attempt >= 4 || (err as { code?: string }).code !== 'ERR_STORE_CONFLICT') throw err;
      }
    }
  }

  /** Every pending request, by id. */
  async list(): Promise<StoredDocument<PendingRequestDocument>[]> {
    const docs = await this.#deps.store.list<PendingRequestDocument>('certificate-request');
    return docs.sort((a, b) => a.body.id - b.body.id);
  }

  /** One pending request; throws ERR_CA_REQUEST_UNKNOWN. */
  async get(id: number): Promise<StoredDocument<PendingRequestDocument>> {
    const doc =
      Number.isSafeInteger(id) && id > 0
        ? await this.#deps.store.get<PendingRequestDocument>('certificate-request', String(id))
        : undefined;
    if (!doc)
      throw caError('ERR_CA_REQUEST_UNKNOWN', `there is no pending certificate request with id ${id}`, {
        requestId: id,
      });
    return doc;
  }

  /** Deletes a pending request and its key (--clear). */
  async clear(id: number): Promise<PendingRequestSummary> {
    const doc = await this.get(id);
    await this.#deps.store.write([
      { op: 'delete', kind: 'certificate-request', key: doc.key, expect: doc.version },
    ]);
    return summarize(doc.body);
  }

  /** Opens a pending request's private key. */
  openKey(request: PendingRequestDocument): KeyObject {
    const pkcs8 = this.#deps.secretBox().open(request.privateKey, requestKeyAad(request.id));
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  }
}

/** A request without its sealed key. */
export function summarize(request: PendingRequestDocument): PendingRequestSummary {
  const { privateKey: _key, ...rest } = request;
  return rest;
}
