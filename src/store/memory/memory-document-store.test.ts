import { runDocumentStoreContract } from '../contract/document-store-contract.ts';
import { MemoryDocumentStore } from './memory-document-store.ts';

runDocumentStoreContract('memory', async () => {
  const root = new MemoryDocumentStore();
  // Every instance shares the root's data, as processes share one database file.
  return { open: async () => root.connect() };
});
