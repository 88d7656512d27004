/** Opens the store named by a location: a postgres:// URL, or a SQLite file path (the embedded default). */
import type { DocumentStore } from '../store/document-store.ts';
import { sharedError } from '../core/index.ts';

export async function openStore(location: string): Promise<DocumentStore> {
  throw sharedError('ERR_INTERNAL', `store implementations are not wired yet (${location.startsWith('postgres') ? 'postgres' : 'sqlite'})`);
}
