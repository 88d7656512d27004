/**
 * The per-mailbox quota and the pages of an item listing (docs/storage.md, "Quota and pages"): a partner
 * with a token for a mailbox may not fill the store, and a listing never answers with the whole folder.
 * Pure functions; the usage counter lives in the store beside the items (services/storage).
 */
import type { MailboxItem } from './mailbox.ts';
import { storageError } from './storage-errors.ts';

/** Every default, with its unit. */
export const MAILBOX_QUOTA = {
  /** Items per mailbox, all folders together. */
  items: 1000,
  /** Characters of subject and body per mailbox, all folders together (16 Mi). */
  characters: 16 * 1024 * 1024,
} as const;

/** Items per page of a listing: the default and the largest a caller may ask for. */
export const MAILBOX_PAGE = { defaultLimit: 100, maxLimit: 500 } as const;

/** What a mailbox holds. */
export interface MailboxUsage {
  readonly items: number;
  readonly characters: number;
}

/** What an item weighs against the character quota. */
export function itemCharacters(item: Pick<MailboxItem, 'subject' | 'body'>): number {
  return item.subject.length + item.body.length;
}

/** Refuses an item that would take the mailbox over its quota; returns the usage after it. */
export function addToUsage(
  usage: MailboxUsage,
  characters: number,
  quota: MailboxUsage = MAILBOX_QUOTA,
): MailboxUsage {
  const next = { items: usage.items + 1, characters: usage.characters + characters };
  if (next.items > quota.items || next.characters > quota.characters) {
    throw storageError(
      'ERR_MAILBOX_QUOTA_EXCEEDED',
      `the mailbox is full (${usage.items} of ${quota.items} items, ${usage.characters} of ${quota.characters} characters)`,
      { items: usage.items, characters: usage.characters },
    );
  }
  return next;
}

/** A page request as the HTTP query gives it. */
export interface PageRequest {
  readonly limit?: unknown;
  readonly cursor?: unknown;
}

/** One page of a folder, oldest first; `nextCursor` null on the last page. */
export interface MailboxPage {
  readonly items: readonly MailboxItem[];
  readonly nextCursor: string | null;
}

/** The page of `sorted` (oldest first, ties by id) that `request` asks for. */
export function pageOf(sorted: readonly MailboxItem[], request: PageRequest = {}): MailboxPage {
  const limit = parseLimit(request.limit);
  const after = request.cursor === undefined || request.cursor === '' ? null : parseCursor(request.cursor);
  const start =
    after === null
      ? 0
      : sorted.findIndex(
          (i) => i.createdAt > after.createdAt || (i.createdAt === after.createdAt && i.id > after.id),
        );
  const from = start === -1 ? sorted.length : start;
  const items = sorted.slice(from, from + limit);
  const last = items[items.length - 1];
  const more = from + limit < sorted.length && last !== undefined;
  return { items, nextCursor: more ? cursorOf(last) : null };
}

function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === '') return MAILBOX_PAGE.defaultLimit;
  const text = typeof raw === 'string' ? raw : '';
  const n = /^[1-9][0-9]{0,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAILBOX_PAGE.maxLimit))
    throw storageError(
      'ERR_MAILBOX_PAGE_INVALID',
      `limit must be an integer from 1 to ${MAILBOX_PAGE.maxLimit}`,
    );
  return n;
}

/** The cursor: base64url of `<createdAt>|<id>` of the last item returned (opaque to callers). */
function cursorOf(item: MailboxItem): string {
  return Buffer.from(`${item.createdAt}|${item.id}`).toString('base64url');
}

function parseCursor(raw: unknown): { createdAt: string; id: string } {
  const text = typeof raw === 'string' && /^[A-Za-z0-9_-]{1,200}$/.test(raw) ? raw : '';
  const [createdAt, id, extra] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || extra !== undefined || Number.isNaN(Date.parse(createdAt)))
    throw storageError(
      'ERR_MAILBOX_PAGE_INVALID',
      'cursor is not one this server issued: omit it to start over',
    );
  return { createdAt, id };
}
