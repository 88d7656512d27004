/**
 * The users of the storage service, indexed by every attribute act-as claims can name (SID, UPN, SMTP,
 * SIP), so resolving the acting user of a request (docs/protocol.md §2.6 step 5) costs a few map lookups
 * instead of reading every user document. The index is rebuilt when the store's version moves (any
 * write, from this process or another), so it is never older than the store a request sees.
 */
import type { StorageUser, UserLookup } from '../../core/storage/index.ts';
import { headVersionOf } from '../tokens/store-head.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { readUser } from './storage-documents.ts';

type Field = keyof UserLookup;
const FIELDS: readonly Field[] = ['sid', 'upn', 'smtp', 'sip'];

interface Index {
  readonly version: number;
  readonly by: Readonly<Record<Field, ReadonlyMap<string, readonly StorageUser[]>>>;
}

export class UserDirectory {
  readonly #deps: ServiceDeps;
  #index: Index | null = null;
  #building: Promise<Index> | null = null;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Every user matching at least one attribute of the lookup (the OR of docs/protocol.md §2.6 step 5). The
   * caller applies the exactly-one rule (resolveUser), so the decision stays in the pure core function.
   */
  async candidates(lookup: UserLookup): Promise<StorageUser[]> {
    const index = await this.#current();
    const found = new Set<StorageUser>();
    for (const field of FIELDS) {
      const value = lookup[field];
      if (value === undefined) continue;
      for (const user of index.by[field].get(value) ?? []) found.add(user);
    }
    return [...found];
  }

  async #current(): Promise<Index> {
    const head = await headVersionOf(this.#deps.store);
    if (this.#index && this.#index.version >= head) return this.#index;
    // One rebuild at a time; concurrent requests share it.
    this.#building ??= this.#build(head).finally(() => (this.#building = null));
    return (this.#index = await this.#building);
  }

  /** Reads every user once. Labelled with the head read before listing: never newer than its data. */
  async #build(version: number): Promise<Index> {
    const users = (await this.#deps.store.list('user')).map(readUser);
    const by = { sid: new Map(), upn: new Map(), smtp: new Map(), sip: new Map() } as Record<
      Field,
      Map<string, StorageUser[]>
    >;
    for (const user of users) {
      const values: Record<Field, string | undefined> = {
        sid: user.sid?.toLowerCase(),
        upn: user.upn,
        smtp: user.smtp,
        sip: user.sip,
      };
      for (const field of FIELDS) {
        const value = values[field];
        if (value === undefined) continue;
        const list = by[field].get(value);
        if (list) list.push(user);
        else by[field].set(value, [user]);
      }
    }
    return { version, by };
  }
}
