/**
 * The usage counter of each mailbox (docs/storage.md, "Quota and pages"): a `counter` document
 * `mailbox-usage/<sip>` holding `{ items, characters }`, written in the same batch as every item put or
 * delete with an exact version expectation — so two concurrent writes cannot both pass the quota. A
 * mailbox written before the counter existed is counted once from its items.
 */
import { hasCode } from '../../core/index.ts';
import type { MailboxUsage } from '../../core/storage/index.ts';
import { itemCharacters } from '../../core/storage/index.ts';
import type { DocumentStore, Expectation, WriteOperation } from '../../store/document-store.ts';
import { readItem } from './storage-documents.ts';

const KIND = 'counter';
/** Attempts when another write to the same mailbox commits first. */
const ATTEMPTS = 8;

function usageKey(sip: string): string {
  return `mailbox-usage/${sip}`;
}

/** The mailbox's usage now, with the expectation a write of the counter must carry. */
async function readUsage(
  store: DocumentStore,
  sip: string,
): Promise<{ usage: MailboxUsage; expect: Expectation }> {
  const doc = await store.get<Partial<MailboxUsage>>(KIND, usageKey(sip));
  const body = doc?.body;
  if (doc && typeof body?.items === 'number' && typeof body.characters === 'number')
    return { usage: { items: body.items, characters: body.characters }, expect: doc.version };
  const items = (await store.list('mailbox-item', `${sip}/`)).map(readItem);
  const usage = { items: items.length, characters: items.reduce((n, i) => n + itemCharacters(i), 0) };
  return { usage, expect: doc ? doc.version : 'absent' };
}

/**
 * Writes `ops` (built from the current usage) together with the new usage, retrying from a fresh read
 * when a concurrent write to the mailbox committed first. `build` may throw (quota exceeded, not found).
 */
export async function writeWithUsage(
  store: DocumentStore,
  sip: string,
  actor: string,
  build: (usage: MailboxUsage) => Promise<{ ops: WriteOperation[]; next: MailboxUsage }>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { usage, expect } = await readUsage(store, sip);
    const { ops, next } = await build(usage);
    const counter: WriteOperation = { op: 'put', kind: KIND, key: usageKey(sip), body: next, expect };
    try {
      await store.write([...ops, counter], { actor });
      return;
    } catch (err) {
      if (hasCode(err, 'ERR_STORE_CONFLICT') && attempt < ATTEMPTS) continue;
      throw err;
    }
  }
}

/** The operation that removes the mailbox's counter (with the mailbox), or none when it has none. */
export async function usageRemoval(store: DocumentStore, sip: string): Promise<WriteOperation[]> {
  const doc = await store.get(KIND, usageKey(sip));
  return doc ? [{ op: 'delete', kind: KIND, key: usageKey(sip), expect: doc.version }] : [];
}
