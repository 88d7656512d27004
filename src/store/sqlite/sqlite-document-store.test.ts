import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocumentStoreContract } from '../contract/document-store-contract.ts';
import { SqliteDocumentStore } from './sqlite-document-store.ts';

runDocumentStoreContract('sqlite', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'data', 'store.db');
  return { open: async () => SqliteDocumentStore.open(path, { pollIntervalMs: 50 }) };
});
