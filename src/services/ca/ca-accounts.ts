/** CA accounts (the "CA account credentials" of docs/ca.md, request step 2), kept in the CA document, hashed with scrypt. */
import { sharedError } from '../../core/index.ts';
import { caError } from '../../core/ca/ca-errors.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../ca/index.ts';
import type { StoredDocument } from '../../store/document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { CaDocument } from './ca-documents.ts';

const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;
/** An allowed-name pattern: a host name, or `.domain` / `*.domain` for any name under it. */
const ALLOWED_NAME = /^(\*\.|\.)?[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*$/i;
/** Shortest CA account password accepted, in characters. */
export const MIN_CA_PASSWORD_LENGTH = 12;

export class CaAccounts {
  readonly #deps: ServiceDeps;
  readonly #document: () => Promise<StoredDocument<CaDocument>>;
  constructor(deps: ServiceDeps, document: () => Promise<StoredDocument<CaDocument>>) {
    this.#deps = deps;
    this.#document = document;
  }

  /**
   * Adds an account; throws ERR_CA_ACCOUNT_EXISTS. `allowedNames` (`host` or `.domain`) limits the names
   * it may enroll (docs/ca.md "Name constraints"); without them, any name its templates allow.
   */
  async add(name: string, password: string, allowedNames?: readonly string[]): Promise<void> {
    for (const pattern of allowedNames ?? [])
      if (!ALLOWED_NAME.test(pattern))
        throw sharedError('ERR_INVALID_INPUT', `allowed name "${pattern}" is not a host name or .domain`, {
          field: 'allowedNames',
        });
    if (!ACCOUNT_NAME.test(name))
      throw sharedError('ERR_INVALID_INPUT', 'account names use letters, digits and . _ @ -', {
        field: 'account',
      });
    if (password.length < MIN_CA_PASSWORD_LENGTH)
      throw sharedError(
        'ERR_INVALID_INPUT',
        `CA account passwords need at least ${MIN_CA_PASSWORD_LENGTH} characters`,
        { field: 'password' },
      );
    const doc = await this.#document();
    if (doc.body.accounts.some((a) => a.name === name))
      throw caError('ERR_CA_ACCOUNT_EXISTS', `the CA account "${name}" already exists`, { account: name });
    const account = {
      name,
      password: await hashPassword(password),
      createdAt: this.#deps.clock.now().toISOString(),
      ...(allowedNames && allowedNames.length > 0 ? { allowedNames: [...allowedNames] } : {}),
    };
    const body: CaDocument = { ...doc.body, accounts: [...doc.body.accounts, account] };
    await this.#deps.store.write([{ op: 'put', kind: 'ca', key: doc.key, body, expect: doc.version }]);
  }

  /** Account names with their creation time and allowed names (never the hashes). */
  async list(): Promise<Array<{ name: string; createdAt: string; allowedNames: readonly string[] | null }>> {
    return (await this.#document()).body.accounts.map((a) => ({
      name: a.name,
      createdAt: a.createdAt,
      allowedNames: a.allowedNames ?? null,
    }));
  }

  /** Removes an account. */
  async remove(name: string): Promise<void> {
    const doc = await this.#document();
    if (!doc.body.accounts.some((a) => a.name === name))
      throw sharedError('ERR_INVALID_INPUT', `there is no CA account "${name}"`, { account: name });
    const body: CaDocument = { ...doc.body, accounts: doc.body.accounts.filter((a) => a.name !== name) };
    await this.#deps.store.write([{ op: 'put', kind: 'ca', key: doc.key, body, expect: doc.version }]);
  }

  /** Checks credentials in constant time; an unknown account costs the same as a wrong password. */
  async verify(name: string, password: string): Promise<void> {
    const account = (await this.#document()).body.accounts.find((a) => a.name === name);
    const ok = await verifyPassword(password, account?.password ?? (await dummyPasswordHash()));
    if (!account || !ok) throw caError('ERR_CA_ACCOUNT_INVALID', 'the CA account name or password is wrong');
  }
}
