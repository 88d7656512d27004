/**
 * Configuration backup and restore (docs/backup.md; Export-CsConfiguration / Import-CsConfiguration).
 *
 * A backup is one consistent `snapshot()` of the store's configuration (every document kind except pool
 * membership records and storage-service items), serialized and sealed as a whole with the deployment's
 * master key (AES-256-GCM through SecretBox; the header is the additional authenticated data, so it cannot
 * be edited either). Private keys inside stay sealed as they are in the store, so a backup is useless
 * without the master key, and a restore needs the same key.
 *
 * A restore is ONE write batch: the store's atomic write (docs/store.md) commits every put and delete of
 * it or none, so a failure or a killed process never leaves a half-restored configuration. Each operation
 * expects the version it read, so a concurrent change aborts the restore with ERR_STORE_CONFLICT.
 */
import type { Clock, SealedSecret, SecretBox } from '../../core/index.ts';
import { backupError } from '../../core/backup/backup-errors.ts';
import type { DocumentKind, DocumentStore, WriteOperation } from '../../store/document-store.ts';

/** Runtime state, not configuration: pool heartbeats, the storage service's items and renewal bookkeeping (docs/renewal.md). */
export const KINDS_NOT_BACKED_UP: readonly DocumentKind[] = [
  'node',
  'mailbox-item',
  // Sign-in state is not configuration; the audit log is append-only, so a restore never rewinds it (docs/admin.md).
  'admin-session',
  'admin-lockout',
  'audit',
  'renewal',
];

const FORMAT = 's2s-configuration-backup';

/** The readable header of a backup file (bound to the sealed contents as AAD). */
export interface BackupHeader {
  readonly format: typeof FORMAT;
  readonly formatVersion: 1;
  readonly createdAt: string;
  /** Store version the snapshot was taken at. */
  readonly storeVersion: number;
  readonly storeLocation: string;
  readonly documentCount: number;
  /** Which master key sealed it (SecretBox key id: 8 hex characters of SHA-256(key)). */
  readonly masterKeyId: string;
}

export interface BackupFile extends BackupHeader {
  readonly sealed: SealedSecret;
}

interface BackedUpDocument {
  readonly kind: DocumentKind;
  readonly key: string;
  readonly body: unknown;
}

function aad(h: BackupHeader): string {
  return JSON.stringify([
    h.format,
    h.formatVersion,
    h.createdAt,
    h.storeVersion,
    h.storeLocation,
    h.documentCount,
    h.masterKeyId,
  ]);
}

/** Takes a backup of the store's configuration. */
export async function createBackup(store: DocumentStore, box: SecretBox, clock: Clock): Promise<BackupFile> {
  const snap = await store.snapshot();
  const documents: BackedUpDocument[] = snap.documents
    .filter((d) => !KINDS_NOT_BACKED_UP.includes(d.kind))
    .map((d) => ({ kind: d.kind, key: d.key, body: d.body }));
  const header: BackupHeader = {
    format: FORMAT,
    formatVersion: 1,
    createdAt: clock.now().toISOString(),
    storeVersion: snap.version,
    storeLocation: store.location,
    documentCount: documents.length,
    masterKeyId: box.keyId,
  };
  const sealed = box.seal(Buffer.from(JSON.stringify({ documents }), 'utf8'), aad(header));
  return { ...header, sealed };
}

/** Parses and checks a backup file's text; throws ERR_BACKUP_INVALID. */
export function parseBackup(text: string): BackupFile {
  let file: Partial<BackupFile>;
  try {
    file = JSON.parse(text) as Partial<BackupFile>;
  } catch {
    throw backupError('ERR_BACKUP_INVALID', 'the file is not JSON: not an s2s configuration backup');
  }
  if (
    file === null ||
    typeof file !== 'object' ||
    file.format !== FORMAT ||
    file.formatVersion !== 1 ||
    typeof file.masterKeyId !== 'string' ||
    typeof file.sealed !== 'object' ||
    file.sealed === null
  )
    throw backupError(
      'ERR_BACKUP_INVALID',
      `the file is not an s2s configuration backup (format ${FORMAT} 1)`,
    );
  return file as BackupFile;
}

/** What a restore did. */
export interface RestoreResult {
  readonly restored: number;
  readonly removed: number;
  readonly version: number;
  readonly backupCreatedAt: string;
}

/**
 * Replaces the store's configuration with the backup's, in one atomic batch. Refuses a backup sealed
 * under another master key (ERR_BACKUP_KEY_MISMATCH), a damaged one (ERR_BACKUP_INVALID), and an
 * initialized store unless `force` (ERR_BACKUP_WOULD_REPLACE) — each before anything is written.
 */
export async function restoreBackup(
  store: DocumentStore,
  box: SecretBox,
  file: BackupFile,
  options: { force: boolean; actor?: string },
): Promise<RestoreResult> {
  if (file.masterKeyId !== box.keyId || file.sealed.kid !== box.keyId)
    throw backupError(
      'ERR_BACKUP_KEY_MISMATCH',
      `the backup was sealed under master key ${file.masterKeyId}, this deployment has ${box.keyId}`,
      { backupKey: file.masterKeyId, deploymentKey: box.keyId },
    );
  let documents: BackedUpDocument[];
  try {
    documents = (
      JSON.parse(box.open(file.sealed, aad(file)).toString('utf8')) as { documents: BackedUpDocument[] }
    ).documents;
  } catch {
    throw backupError(
      'ERR_BACKUP_INVALID',
      'the sealed contents failed authentication: the file was damaged or edited',
    );
  }
  if (!Array.isArray(documents) || documents.length !== file.documentCount)
    throw backupError('ERR_BACKUP_INVALID', 'the sealed contents do not match the header');
  const current = (await store.snapshot()).documents.filter((d) => !KINDS_NOT_BACKED_UP.includes(d.kind));
  if (current.some((d) => d.kind === 'oauth-config') && !options.force)
    throw backupError(
      'ERR_BACKUP_WOULD_REPLACE',
      `${store.location} already holds a configuration (${current.length} documents); a restore replaces it`,
    );
  const id = (kind: string, key: string): string => `${kind}\u0000${key}`;
  const versions = new Map(current.map((d) => [id(d.kind, d.key), d.version]));
  const wanted = new Set(documents.map((d) => id(d.kind, d.key)));
  const operations: WriteOperation[] = [
    ...current
      .filter((d) => !wanted.has(id(d.kind, d.key)))
      .map((d): WriteOperation => ({ op: 'delete', kind: d.kind, key: d.key, expect: d.version })),
    ...documents.map((d): WriteOperation => ({
      op: 'put',
      kind: d.kind,
      key: d.key,
      body: d.body,
      expect: versions.get(id(d.kind, d.key)) ?? 'absent',
    })),
  ];
  const result = await store.write(operations, options.actor ? { actor: options.actor } : undefined);
  return {
    restored: documents.length,
    removed: operations.length - documents.length,
    version: result.version,
    backupCreatedAt: file.createdAt,
  };
}
