import { freshPostgresUrl } from '../../../test/fixtures/postgres.ts';
import { runDocumentStoreContract } from '../contract/document-store-contract.ts';
import { PostgresDocumentStore } from './postgres-document-store.ts';

runDocumentStoreContract('postgres', async (t) => {
  const url = await freshPostgresUrl(t);
  return url === undefined
    ? undefined
    : { open: () => PostgresDocumentStore.open(url, { pollIntervalMs: 2000 }) };
});
