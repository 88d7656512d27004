/**
 * Users and mailboxes of the storage service (docs/storage.md), and the storage connectivity test
 * (Test-CsExStorageConnectivity, docs/protocol.md §5.5). Users are documents of kind `user` (key: SIP address
 * without `sip:`), items of kind `mailbox-item` (key `${sip}/${folder}/${itemId}`).
 */
import { randomUUID } from 'node:crypto';
import {
  authorizeStorage,
  isMailboxItemId,
  mailboxItemKey,
  newStorageUser,
  normalizeSip,
  parseMailboxFolder,
  resolveUser,
  userLookupFromClaims,
  storageError,
  validateNewItem,
  addToUsage,
  itemCharacters,
  pageOf,
} from '../../core/storage/index.ts';
import type {
  MailboxFolder,
  MailboxItem,
  MailboxPage,
  PageRequest,
  StorageScope,
  StorageUser,
} from '../../core/storage/index.ts';
import type { S2sPrincipal } from '../../core/index.ts';
import type { WriteOperation } from '../../store/document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { UserDirectory } from './user-directory.ts';
import { usageRemoval, writeWithUsage } from './mailbox-usage.ts';
import { readItem, readUser } from './storage-documents.ts';
import { runConnectivityTest } from './storage-connectivity-test.ts';
import { runPartnerTrustTest } from './partner-trust-test.ts';
import { VersionedAnswers } from './versioned-answers.ts';
import { exactHeadVersion, knownHeadVersion } from '../tokens/store-head.ts';
import type { PartnerTestReport } from './partner-trust-test.ts';
import type { ConnectivityOptions, ConnectivityReport } from './storage-connectivity-test.ts';

/** What an authorized caller is: its label for `createdBy` and, for act-as tokens, the resolved user. */
export interface StorageAccess {
  readonly createdBy: string;
  readonly actingUser: StorageUser | null;
}

/** Characters of item answers kept serialized (docs/storage.md "Read model"): 32 Mi, ≈ 64 MiB of UTF-16. */
const ITEM_ANSWERS_MAX_CHARS = 32 * 1024 * 1024;

export class StorageService {
  protected readonly deps: ServiceDeps;
  readonly #users: UserDirectory;
  /** GET item answers as JSON text, per store version: an unchanged item is read and serialized once. */
  readonly #itemAnswers = new VersionedAnswers<string>({
    maxSize: ITEM_ANSWERS_MAX_CHARS,
    sizeOf: (json) => json.length,
  });
  /** The acting user of an accepted principal (the validator hands out the same object while it is cached). */
  readonly #actingUsers = new WeakMap<
    S2sPrincipal,
    { readonly version: number; readonly user: StorageUser }
  >();
  constructor(deps: ServiceDeps) {
    this.#users = new UserDirectory(deps);
    this.deps = deps;
  }

  /** Provisions a user (`s2s user add`); refuses duplicates of the SIP address, SMTP address, UPN or SID. */
  async addUser(input: {
    sip: string;
    smtp: string;
    upn: string;
    sid?: string | undefined;
  }): Promise<StorageUser> {
    const user = newStorageUser(input);
    const clash = (await this.listUsers()).find(
      (u) =>
        u.sip === user.sip ||
        u.smtp === user.smtp ||
        u.upn === user.upn ||
        (user.sid !== undefined && u.sid === user.sid),
    );
    if (clash) {
      throw storageError(
        'ERR_USER_EXISTS',
        `user ${clash.sip} already has this ${clash.sip === user.sip ? 'SIP address' : 'SMTP address, UPN or SID'}`,
        { sip: clash.sip },
      );
    }
    await this.deps.store.write([{ op: 'put', kind: 'user', key: user.sip, body: user, expect: 'absent' }], {
      actor: 'storage',
    });
    return user;
  }

  /** One user by SIP address (with or without `sip:`); ERR_USER_UNKNOWN when absent. */
  async getUser(sip: string): Promise<StorageUser> {
    const key = normalizeSip(sip);
    const doc = await this.deps.store.get('user', key);
    if (!doc) throw storageError('ERR_USER_UNKNOWN', `no user sip:${key} is provisioned here`, { sip: key });
    return readUser(doc);
  }

  /** Every provisioned user, ordered by SIP address. */
  async listUsers(): Promise<StorageUser[]> {
    return (await this.deps.store.list('user')).map(readUser);
  }

  /** Removes a user and every item of its mailbox, in one batch. */
  async removeUser(sip: string): Promise<{ user: StorageUser; removedItems: number }> {
    const user = await this.getUser(sip);
    const userDoc = (await this.deps.store.get('user', user.sip))!;
    const items = await this.deps.store.list('mailbox-item', `${user.sip}/`);
    const ops: WriteOperation[] = [
      { op: 'delete', kind: 'user', key: user.sip, expect: userDoc.version },
      ...items.map((d): WriteOperation => ({
        op: 'delete',
        kind: 'mailbox-item',
        key: d.key,
        expect: d.version,
      })),
      ...(await usageRemoval(this.deps.store, user.sip)),
    ];
    await this.deps.store.write(ops, { actor: 'storage' });
    return { user, removedItems: items.length };
  }

  /**
   * Authorizes a validated principal for an operation: resolves the acting user of an act-as token
   * (docs/protocol.md §2.6 step 5) and applies the trust-level rules of `authorizeStorage`.
   */
  async authorize(principal: S2sPrincipal, scope: StorageScope): Promise<StorageAccess> {
    let actingUser: StorageUser | null = null;
    if (principal.mode === 'user' && principal.user) {
      const version = knownHeadVersion(this.deps.store);
      const known = this.#actingUsers.get(principal);
      if (known !== undefined && known.version === version) actingUser = known.user;
      else {
        const lookup = userLookupFromClaims(principal.user, principal.acceptSecurityIdentifierInformation);
        actingUser = resolveUser(await this.#users.candidates(lookup), lookup);
        if (version !== null && knownHeadVersion(this.deps.store) === version)
          this.#actingUsers.set(principal, { version, user: actingUser });
      }
    }
    return { createdBy: authorizeStorage(principal, scope, actingUser), actingUser };
  }

  /** Creates an item in a user's folder. */
  async createItem(sip: string, folderName: string, input: unknown, createdBy: string): Promise<MailboxItem> {
    const { user, folder } = await this.#mailbox(sip, folderName);
    const fields = validateNewItem(input);
    const item: MailboxItem = {
      id: randomUUID(),
      folder,
      ...fields,
      createdAt: this.deps.clock.now().toISOString(),
      createdBy,
    };
    const key = mailboxItemKey(user.sip, folder, item.id);
    // The quota is checked and the usage counted in the write itself (docs/storage.md, "Quota and pages").
    await writeWithUsage(this.deps.store, user.sip, `storage:${createdBy}`, async (usage) => ({
      ops: [{ op: 'put', kind: 'mailbox-item', key, body: item, expect: 'absent' }],
      next: addToUsage(usage, itemCharacters(item)),
    }));
    return item;
  }

  /** One page of a folder's items, oldest first (`limit` 1–500, default 100; `cursor` from the last page). */
  async listItems(sip: string, folderName: string, page: PageRequest = {}): Promise<MailboxPage> {
    const { user, folder } = await this.#mailbox(sip, folderName);
    const items = (await this.deps.store.list('mailbox-item', `${user.sip}/${folder}/`)).map(readItem);
    return pageOf(
      items.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
      page,
    );
  }

  /** One item; ERR_MAILBOX_ITEM_NOT_FOUND when absent. */
  async getItem(sip: string, folderName: string, itemId: string): Promise<MailboxItem> {
    const { user, folder } = await this.#mailbox(sip, folderName);
    const doc = isMailboxItemId(itemId)
      ? await this.deps.store.get('mailbox-item', mailboxItemKey(user.sip, folder, itemId))
      : undefined;
    if (!doc) throw itemNotFound(folder, itemId);
    return readItem(doc);
  }

  /**
   * {@link getItem} as the JSON text the storage API answers, serialized once per store version and
   * item (docs/storage.md "Read model") where the store's head is the version of every read — one SQLite
   * file, not a pool node, whose item reads go to the central store; the same refusals as getItem,
   * never kept.
   */
  async getItemJson(sip: string, folderName: string, itemId: string): Promise<string> {
    const version = exactHeadVersion(this.deps.store);
    const key = `${sip}\n${folderName}\n${itemId}`;
    const kept = version === null ? undefined : this.#itemAnswers.get(version, key);
    if (kept !== undefined) return kept;
    const json = JSON.stringify(await this.getItem(sip, folderName, itemId));
    // Kept only when nothing was committed while it was read: the answer is that version's.
    if (version !== null && exactHeadVersion(this.deps.store) === version)
      this.#itemAnswers.set(version, key, json);
    return json;
  }

  /** Deletes one item (a hard delete, as the connectivity test's DeleteItem). */
  async deleteItem(sip: string, folderName: string, itemId: string, deletedBy = 'storage'): Promise<void> {
    const { user, folder } = await this.#mailbox(sip, folderName);
    const key = mailboxItemKey(user.sip, folder, itemId);
    if (!isMailboxItemId(itemId)) throw itemNotFound(folder, itemId);
    await writeWithUsage(this.deps.store, user.sip, `storage:${deletedBy}`, async (usage) => {
      const doc = await this.deps.store.get('mailbox-item', key);
      if (!doc) throw itemNotFound(folder, itemId);
      const chars = itemCharacters(readItem(doc));
      return {
        ops: [{ op: 'delete', kind: 'mailbox-item', key, expect: doc.version }],
        next: { items: Math.max(0, usage.items - 1), characters: Math.max(0, usage.characters - chars) },
      };
    });
  }

  /** Test-CsExStorageConnectivity: writes (and optionally deletes) a test item in a user's mailbox on a partner. */
  async testConnectivity(options: ConnectivityOptions): Promise<ConnectivityReport> {
    return runConnectivityTest(this.deps, options);
  }

  /** Test-CsPartnerApplication-like: metadata, token and a metadata-protected call, no mailbox touched. */
  async testPartnerTrust(identity: string): Promise<PartnerTestReport> {
    return runPartnerTrustTest(this.deps, identity);
  }

  async #mailbox(sip: string, folderName: string): Promise<{ user: StorageUser; folder: MailboxFolder }> {
    const folder = parseMailboxFolder(folderName);
    return { user: await this.getUser(sip), folder };
  }
}

function itemNotFound(folder: MailboxFolder, itemId: string) {
  return storageError('ERR_MAILBOX_ITEM_NOT_FOUND', `no item ${itemId.slice(0, 64)} in ${folder}`, {
    folder,
    itemId: itemId.slice(0, 64),
  });
}
