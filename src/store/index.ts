/**
 * Public surface of the store module: the port's types only. Implementations (sqlite/, postgres/,
 * memory/) are imported by the composition root (src/main) and by tests, never through this file.
 */
export type {
  ChangeEntry,
  DocumentKind,
  DocumentStore,
  Expectation,
  StoredDocument,
  StoreSnapshot,
  WriteContext,
  WriteOperation,
  WriteResult,
} from './document-store.ts';
