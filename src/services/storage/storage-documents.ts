/** Typed, validated access to the storage service's documents (kinds `user` and `mailbox-item`). */
import { z } from 'zod';
import { sharedError } from '../../core/index.ts';
import { MAILBOX_FOLDERS } from '../../core/storage/index.ts';
import type { MailboxItem, StorageUser } from '../../core/storage/index.ts';
import type { StoredDocument } from '../../store/document-store.ts';

const userSchema = z.object({
  sip: z.string(),
  smtp: z.string(),
  upn: z.string(),
  sid: z.string().optional(),
});

const itemSchema = z.object({
  id: z.string(),
  folder: z.enum(MAILBOX_FOLDERS),
  subject: z.string(),
  body: z.string(),
  itemClass: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});

/** Reads a user document, refusing one that does not have the user shape. */
export function readUser(doc: StoredDocument): StorageUser {
  const parsed = userSchema.safeParse(doc.body);
  if (!parsed.success) throw corrupt(doc);
  const { sid, ...rest } = parsed.data;
  return sid === undefined ? rest : { ...rest, sid };
}

/** Reads a mailbox item document. */
export function readItem(doc: StoredDocument): MailboxItem {
  const parsed = itemSchema.safeParse(doc.body);
  if (!parsed.success) throw corrupt(doc);
  return parsed.data;
}

function corrupt(doc: StoredDocument) {
  return sharedError(
    'ERR_STORE_CORRUPT',
    `stored ${doc.kind} '${doc.key}' does not have the expected shape`,
    { kind: doc.kind, key: doc.key },
  );
}
