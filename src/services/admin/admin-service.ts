/**
 * Administrators, API tokens and sessions (docs/admin.md): adding and changing administrators (roles,
 * scrypt-hashed passwords, enabled), sign-in with lockout and back-off and no timing difference between
 * an unknown name and a wrong password, API tokens shown once and stored hashed, and sessions stored
 * hashed so every pool node accepts them.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ADMIN_OPERATIONS,
  ADMIN_ROLES,
  ROLE_DESCRIPTIONS,
  adminError,
  checkPasswordRules,
  parseAdminName,
  parseRole,
  roleAllows,
} from '../../core/index.ts';
import type { AdminRole, AuditActor } from '../../core/index.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../ca/index.ts';
import type { StoredDocument, WriteOperation } from '../../store/document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { AuditLog } from './audit-log.ts';
import type { AdminDocument, LockoutDocument, SessionDocument, TokenDocument } from './admin-documents.ts';

/** Every default, declared once with its unit (docs/admin.md). */
export const ADMIN_DEFAULTS = {
  /** Consecutive failed sign-ins before a lockout. */
  lockoutThreshold: 5,
  /** First lockout, milliseconds; doubles with each further failure. */
  lockoutBaseMs: 30_000,
  /** Longest lockout, milliseconds. */
  lockoutMaxMs: 15 * 60_000,
  /** Session lifetime from sign-in, milliseconds (absolute; no sliding renewal). */
  sessionLifetimeMs: 8 * 3600_000,
  /** A session unused this long ends (idle timeout), milliseconds. */
  sessionIdleMs: 30 * 60_000,
  /** Use is recorded (one store write) at most this often per session, milliseconds. */
  sessionTouchMs: 5 * 60_000,
  /** Shortest and longest API token lifetime, milliseconds. */
  tokenMinLifetimeMs: 3600_000,
  tokenMaxLifetimeMs: 366 * 86_400_000,
  /** Unknown names whose failures this node remembers (so they lock out like real ones). */
  unknownNamesRemembered: 10_000,
} as const;

export interface AdminView {
  readonly name: string;
  readonly role: AdminRole;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly passwordChangedAt: string;
  readonly failedSignIns: number;
  readonly lockedUntil: string | null;
  readonly lastSignInAt: string | null;
}

export interface TokenView {
  readonly id: string;
  readonly name: string;
  readonly role: AdminRole;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly state: 'active' | 'expired' | 'revoked';
}

/** Who a valid credential belongs to. */
export interface Principal {
  readonly kind: 'admin' | 'token';
  readonly name: string;
  readonly role: AdminRole;
}

export interface SignedIn {
  /** The cookie value: shown to the browser once, stored only hashed. */
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly admin: string;
  readonly role: AdminRole;
  readonly expiresAt: string;
}

export interface SessionInfo extends Principal {
  readonly csrfHash: string;
  readonly expiresAt: string;
}

const TOKEN_PREFIX = 's2sat_';
const TOKEN_FORMAT = /^s2sat_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const DURATION = /^(\d{1,6})\s*(h|d)$/i;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
const sameHash = (text: string, stored: string): boolean => {
  const expected = Buffer.from(stored, 'base64url');
  const actual = sha256(text);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
};

export class AdminService {
  readonly #deps: ServiceDeps;
  readonly #audit: AuditLog;
  readonly #options: typeof ADMIN_DEFAULTS;
  /** Failures of names that do not exist, so they answer exactly like real names (docs/admin.md "Lockout"). */
  readonly #unknown: Map<string, LockoutDocument>;

  /**
   * `unknownNames`: where the failures of unknown names are remembered; by default this process's own map,
   * and one the workers of a server share through their primary (docs/server.md "Workers").
   */
  constructor(
    deps: ServiceDeps,
    audit: AuditLog,
    options: Partial<typeof ADMIN_DEFAULTS> = {},
    unknownNames: Map<string, LockoutDocument> = new Map(),
  ) {
    this.#deps = deps;
    this.#audit = audit;
    this.#options = { ...ADMIN_DEFAULTS, ...options };
    this.#unknown = unknownNames;
  }

  // ---- administrators ----------------------------------------------------------------------------

  async add(input: { name: string; role: string; password: string }): Promise<AdminView> {
    const name = parseAdminName(input.name);
    const role = parseRole(input.role);
    checkPasswordRules(input.password, name);
    if (await this.#deps.store.get('admin', name))
      throw adminError('ERR_ADMIN_EXISTS', `the administrator '${name}' already exists`, { name });
    const now = this.#now();
    const doc: AdminDocument = {
      name,
      role,
      enabled: true,
      password: await hashPassword(input.password),
      createdAt: now,
      passwordChangedAt: now,
    };
    await this.#deps.store.write([{ op: 'put', kind: 'admin', key: name, body: doc, expect: 'absent' }]);
    return this.get(name);
  }

  async set(
    nameInput: string,
    changes: { role?: string; password?: string; enabled?: boolean; unlock?: boolean },
  ): Promise<AdminView> {
    const name = parseAdminName(nameInput);
    const current = await this.#require(name);
    const role = changes.role === undefined ? current.body.role : parseRole(changes.role);
    const enabled = changes.enabled ?? current.body.enabled;
    if (changes.password !== undefined) checkPasswordRules(changes.password, name);
    if (current.body.role === 'full' && current.body.enabled && (role !== 'full' || !enabled))
      await this.#refuseLastFull(name);
    const now = this.#now();
    const body: AdminDocument = {
      ...current.body,
      role,
      enabled,
      ...(changes.password === undefined
        ? {}
        : { password: await hashPassword(changes.password), passwordChangedAt: now }),
    };
    const ops: WriteOperation[] = [{ op: 'put', kind: 'admin', key: name, body, expect: current.version }];
    if (changes.unlock || changes.password !== undefined) {
      const lock = await this.#deps.store.get('admin-lockout', name);
      if (lock) ops.push({ op: 'delete', kind: 'admin-lockout', key: name, expect: lock.version });
    }
    await this.#deps.store.write(ops);
    // A new password or role, or disabling, ends the administrator's sessions (they were granted under the old state).
    if (changes.password !== undefined || role !== current.body.role || !enabled)
      await this.#endSessions(name);
    return this.get(name);
  }

  async get(nameInput: string): Promise<AdminView> {
    const name = parseAdminName(nameInput);
    const doc = await this.#require(name);
    return this.#view(doc.body, (await this.#deps.store.get<LockoutDocument>('admin-lockout', name))?.body);
  }

  async list(): Promise<AdminView[]> {
    const locks = new Map(
      (await this.#deps.store.list<LockoutDocument>('admin-lockout')).map((d) => [d.key, d.body]),
    );
    return (await this.#deps.store.list<AdminDocument>('admin')).map((d) =>
      this.#view(d.body, locks.get(d.key)),
    );
  }

  async remove(nameInput: string): Promise<AdminView> {
    const name = parseAdminName(nameInput);
    const current = await this.#require(name);
    const view = await this.get(name);
    if (current.body.role === 'full' && current.body.enabled) await this.#refuseLastFull(name);
    const ops: WriteOperation[] = [{ op: 'delete', kind: 'admin', key: name, expect: current.version }];
    const lock = await this.#deps.store.get('admin-lockout', name);
    if (lock) ops.push({ op: 'delete', kind: 'admin-lockout', key: name, expect: lock.version });
    await this.#deps.store.write(ops);
    await this.#endSessions(name);
    return view;
  }

  /** The roles and the operations each may call. */
  roles(): Promise<Array<{ role: AdminRole; description: string; operations: string[] }>> {
    return Promise.resolve(
      ADMIN_ROLES.map((role) => ({
        role,
        description: ROLE_DESCRIPTIONS[role],
        operations: ADMIN_OPERATIONS.filter((o) => roleAllows(role, o)).map((o) => o.id),
      })),
    );
  }

  // ---- API tokens --------------------------------------------------------------------------------

  /** A new API token: the secret is in `token`, returned this once; the store keeps its SHA-256. */
  async newToken(input: {
    name: string;
    role: string;
    expires: string;
    createdBy?: string;
  }): Promise<{ token: string; tokenInfo: TokenView }> {
    const name = parseAdminName(input.name);
    const role = parseRole(input.role);
    const expiresAt = this.#tokenExpiry(input.expires);
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const doc: TokenDocument = {
      id,
      name,
      role,
      secretHash: sha256(secret).toString('base64url'),
      createdAt: this.#now(),
      createdBy: input.createdBy ?? 'local',
      expiresAt: expiresAt.toISOString(),
      revokedAt: null,
    };
    await this.#deps.store.write([{ op: 'put', kind: 'admin-token', key: id, body: doc, expect: 'absent' }]);
    return { token: `${TOKEN_PREFIX}${id}_${secret}`, tokenInfo: this.#tokenView(doc) };
  }

  async listTokens(): Promise<TokenView[]> {
    return (await this.#deps.store.list<TokenDocument>('admin-token')).map((d) => this.#tokenView(d.body));
  }

  /** Revokes a token at once (kept, marked revoked, so the audit trail can name it). */
  async revokeToken(id: string): Promise<TokenView> {
    const doc = /^[0-9a-f]{16}$/.test(id)
      ? await this.#deps.store.get<TokenDocument>('admin-token', id)
      : undefined;
    if (!doc) throw adminError('ERR_ADMIN_TOKEN_NOT_FOUND', `no API token has the id '${id}'`, { id });
    if (doc.body.revokedAt) return this.#tokenView(doc.body);
    const body: TokenDocument = { ...doc.body, revokedAt: this.#now() };
    await this.#deps.store.write([{ op: 'put', kind: 'admin-token', key: id, body, expect: doc.version }]);
    return this.#tokenView(body);
  }

  /** The principal of a presented API token, or undefined (unknown, altered, revoked, expired). */
  async verifyToken(text: string): Promise<Principal | undefined> {
    const m = TOKEN_FORMAT.exec(text);
    if (!m) return undefined;
    const doc = await this.#deps.store.get<TokenDocument>('admin-token', m[1]!);
    if (!doc || !sameHash(m[2]!, doc.body.secretHash)) return undefined;
    if (doc.body.revokedAt !== null || doc.body.expiresAt <= this.#now()) return undefined;
    return { kind: 'token', name: `token:${doc.body.name}`, role: doc.body.role };
  }

  // ---- sign-in and sessions ----------------------------------------------------------------------

  /**
   * Signs in: checks the password (an unknown name costs the same scrypt work against a dummy hash), counts
   * failures and locks out with back-off; on success creates a new session (never reuses one the browser
   * presented: docs/admin.md "Sessions"). Every attempt is audited.
   */
  async signIn(nameInput: string, password: string, from: string): Promise<SignedIn> {
    const name = typeof nameInput === 'string' && nameInput.length <= 64 ? nameInput.toLowerCase() : '';
    const actor: AuditActor = { kind: 'admin', name: name || '(invalid)', role: null, from, via: 'console' };
    const doc = name
      ? await this.#deps.store.get<AdminDocument>('admin', name).catch(() => undefined)
      : undefined;
    const lockDoc = name
      ? await this.#deps.store.get<LockoutDocument>('admin-lockout', name).catch(() => undefined)
      : undefined;
    const lock = doc ? lockDoc?.body : this.#unknown.get(name);
    const now = this.#deps.clock.now();
    if (lock?.lockedUntil && lock.lockedUntil > now.toISOString()) {
      await this.#auditSignIn(actor, 'refused', 'ERR_ADMIN_LOCKED');
      throw adminError('ERR_ADMIN_LOCKED', `sign-in for '${name}' is locked until ${lock.lockedUntil}`, {
        lockedUntil: lock.lockedUntil,
        retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(lock.lockedUntil) - now.getTime()) / 1000)),
      });
    }
    const ok = await verifyPassword(
      typeof password === 'string' ? password : '',
      doc?.body.password ?? (await dummyPasswordHash()),
    );
    if (!ok || !doc || !doc.body.enabled) {
      const failures = (lock?.failures ?? 0) + 1;
      const next: LockoutDocument = {
        failures,
        lockedUntil: this.#lockedUntil(failures, now),
        lastFailureAt: now.toISOString(),
        lastSignInAt: lock?.lastSignInAt ?? null,
      };
      // Known and unknown names cost the same store work: one read of each kind, one batch (the audit entry,
      // with the lockout for a known name), so timing does not tell them apart (docs/admin.md "Sign-in").
      if (!doc) this.#rememberUnknown(name, next);
      const lockOp: WriteOperation[] = doc
        ? [{ op: 'put', kind: 'admin-lockout', key: name, body: next, expect: lockDoc?.version ?? 'absent' }]
        : [];
      await this.#auditSignIn(actor, 'refused', 'ERR_ADMIN_SIGN_IN_FAILED', lockOp);
      throw adminError('ERR_ADMIN_SIGN_IN_FAILED', 'the administrator name or password is wrong');
    }
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = this.csrfFor(sessionId);
    const expiresAt = new Date(now.getTime() + this.#options.sessionLifetimeMs).toISOString();
    const session: SessionDocument = {
      admin: name,
      csrfHash: sha256(csrfToken).toString('base64url'),
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt,
      from,
    };
    const ops: WriteOperation[] = [
      { op: 'put', kind: 'admin-session', key: sessionKey(sessionId), body: session, expect: 'absent' },
      {
        op: 'put',
        kind: 'admin-lockout',
        key: name,
        body: {
          failures: 0,
          lockedUntil: null,
          lastFailureAt: lock?.lastFailureAt ?? null,
          lastSignInAt: now.toISOString(),
        },
        expect: lockDoc?.version ?? 'absent',
      },
      ...(await this.#expiredSessions(name)),
    ];
    await this.#deps.store.write(ops);
    await this.#auditSignIn({ ...actor, role: doc.body.role }, 'success');
    return { sessionId, csrfToken, admin: name, role: doc.body.role, expiresAt };
  }

  /**
   * An administrator changes their own password (any role; docs/admin.md "Passwords"): the current password
   * is checked (a wrong one counts toward the lockout), the new one must follow the rules; every session of
   * the administrator ends, so the caller signs in again. Audited as `session.password`.
   */
  async changeOwnPassword(name: string, current: string, next: string, actor: AuditActor): Promise<void> {
    const doc = await this.#require(parseAdminName(name));
    const lockDoc = await this.#deps.store.get<LockoutDocument>('admin-lockout', doc.key);
    const now = this.#deps.clock.now();
    const locked = lockDoc?.body.lockedUntil && lockDoc.body.lockedUntil > now.toISOString();
    const audit = (
      outcome: 'success' | 'refused',
      code?: string,
      alongside: readonly WriteOperation[] = [],
    ) =>
      this.#audit.append(
        {
          actor,
          operation: 'session.password',
          command: 'change own password',
          args: {},
          outcome,
          ...(code ? { error: { code, message: 'password change refused' } } : {}),
        },
        alongside,
      );
    if (locked || !(await verifyPassword(typeof current === 'string' ? current : '', doc.body.password))) {
      const failures = (lockDoc?.body.failures ?? 0) + 1;
      const next: LockoutDocument = {
        failures,
        lockedUntil: locked ? lockDoc.body.lockedUntil : this.#lockedUntil(failures, now),
        lastFailureAt: now.toISOString(),
        lastSignInAt: lockDoc?.body.lastSignInAt ?? null,
      };
      await audit('refused', 'ERR_ADMIN_CURRENT_PASSWORD', [
        { op: 'put', kind: 'admin-lockout', key: doc.key, body: next, expect: lockDoc?.version ?? 'absent' },
      ]).catch(() => undefined);
      throw adminError('ERR_ADMIN_CURRENT_PASSWORD', 'the current password is wrong; nothing was changed');
    }
    await this.set(doc.key, { password: next });
    await audit('success');
  }

  /** The session of a cookie value, or undefined (unknown, altered, expired, administrator gone or disabled). */
  async session(sessionId: string): Promise<SessionInfo | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return undefined;
    const doc = await this.#deps.store.get<SessionDocument>('admin-session', sessionKey(sessionId));
    const now = this.#deps.clock.now();
    if (!doc || doc.body.expiresAt <= now.toISOString()) return undefined;
    const idle = now.getTime() - Date.parse(doc.body.lastSeenAt ?? doc.body.createdAt);
    if (idle > this.#options.sessionIdleMs) return undefined;
    const admin = await this.#deps.store.get<AdminDocument>('admin', doc.body.admin);
    if (!admin || !admin.body.enabled) return undefined;
    if (idle > this.#options.sessionTouchMs) {
      // Best effort: a lost race with another node's touch or a sign-out changes nothing for this request.
      const body: SessionDocument = { ...doc.body, lastSeenAt: now.toISOString() };
      await this.#deps.store
        .write([{ op: 'put', kind: 'admin-session', key: doc.key, body, expect: doc.version }])
        .catch(() => undefined);
    }
    return {
      kind: 'admin',
      name: admin.body.name,
      role: admin.body.role,
      csrfHash: doc.body.csrfHash,
      expiresAt: doc.body.expiresAt,
    };
  }

  /**
   * The CSRF token of a session: derived from the session id, so the console can ask for it again after a
   * reload (GET /admin/api/v1/session); a cross-site page knows neither (the cookie is HttpOnly).
   */
  csrfFor(sessionId: string): string {
    return createHash('sha256').update(`s2s-csrf\u0000${sessionId}`, 'utf8').digest('base64url');
  }

  /** Whether `csrfToken` is the session's. */
  csrfMatches(session: Pick<SessionInfo, 'csrfHash'>, csrfToken: string): boolean {
    return csrfToken.length > 0 && csrfToken.length <= 128 && sameHash(csrfToken, session.csrfHash);
  }

  /** Ends a session (sign-out); unknown ids are ignored. */
  async signOut(sessionId: string, actor: AuditActor): Promise<void> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return;
    const doc = await this.#deps.store.get('admin-session', sessionKey(sessionId));
    if (!doc) return;
    await this.#deps.store.write([
      { op: 'delete', kind: 'admin-session', key: doc.key, expect: doc.version },
    ]);
    await this.#audit.append({
      actor,
      operation: 'session.sign-out',
      command: 'sign-out',
      args: {},
      outcome: 'success',
    });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  async #require(name: string): Promise<StoredDocument<AdminDocument>> {
    const doc = await this.#deps.store.get<AdminDocument>('admin', name);
    if (!doc) throw adminError('ERR_ADMIN_NOT_FOUND', `no administrator is named '${name}'`, { name });
    return doc;
  }

  async #refuseLastFull(name: string): Promise<void> {
    const others = (await this.#deps.store.list<AdminDocument>('admin')).filter(
      (d) => d.key !== name && d.body.role === 'full' && d.body.enabled,
    );
    if (others.length === 0)
      throw adminError(
        'ERR_ADMIN_LAST_FULL',
        `'${name}' is the last enabled full administrator; nothing was changed`,
        { name },
      );
  }

  async #endSessions(name: string): Promise<void> {
    const mine = (await this.#deps.store.list<SessionDocument>('admin-session')).filter(
      (d) => d.body.admin === name,
    );
    if (mine.length === 0) return;
    await this.#deps.store.write(
      mine.map((d) => ({ op: 'delete', kind: 'admin-session', key: d.key, expect: d.version })),
    );
  }

  async #expiredSessions(name: string): Promise<WriteOperation[]> {
    const now = this.#now();
    return (await this.#deps.store.list<SessionDocument>('admin-session'))
      .filter(
        (d) =>
          d.body.admin === name &&
          (d.body.expiresAt <= now ||
            Date.parse(now) - Date.parse(d.body.lastSeenAt ?? d.body.createdAt) >
              this.#options.sessionIdleMs),
      )
      .map((d) => ({ op: 'delete', kind: 'admin-session', key: d.key, expect: d.version }));
  }

  #lockedUntil(failures: number, now: Date): string | null {
    const over = failures - this.#options.lockoutThreshold;
    if (over < 0) return null;
    const ms = Math.min(this.#options.lockoutMaxMs, this.#options.lockoutBaseMs * 2 ** Math.min(over, 20));
    return new Date(now.getTime() + ms).toISOString();
  }

  #rememberUnknown(name: string, lock: LockoutDocument): void {
    this.#unknown.delete(name);
    this.#unknown.set(name, lock);
    if (this.#unknown.size > this.#options.unknownNamesRemembered) {
      const oldest = this.#unknown.keys().next().value;
      if (oldest !== undefined) this.#unknown.delete(oldest);
    }
  }

  async #auditSignIn(
    actor: AuditActor,
    outcome: 'success' | 'refused',
    code?: string,
    alongside: readonly WriteOperation[] = [],
  ): Promise<void> {
    await this.#audit
      .append(
        {
          actor,
          operation: 'session.sign-in',
          command: 'sign-in',
          args: { name: actor.name },
          outcome,
          ...(code ? { error: { code, message: 'sign-in refused' } } : {}),
        },
        alongside,
      )
      .catch((err: unknown) =>
        this.#deps.logger.error(
          { event: 'audit_write_failed', code: (err as { code?: string }).code },
          'audit write failed',
        ),
      );
  }

  #tokenExpiry(value: string): Date {
    const now = this.#deps.clock.now();
    const m = DURATION.exec(String(value).trim());
    const at = m
      ? new Date(now.getTime() + Number(m[1]) * (m[2]!.toLowerCase() === 'h' ? 3600_000 : 86_400_000))
      : /^\d{4}-\d{2}-\d{2}/.test(String(value))
        ? new Date(String(value))
        : new Date(NaN);
    const ms = at.getTime() - now.getTime();
    if (Number.isNaN(ms) || ms < this.#options.tokenMinLifetimeMs || ms > this.#options.tokenMaxLifetimeMs)
      throw adminError(
        'ERR_ADMIN_TOKEN_EXPIRY',
        `'${value}' is not an expiry between 1 hour and 366 days from now`,
      );
    return at;
  }

  #tokenView(doc: TokenDocument): TokenView {
    const { secretHash: _omit, ...rest } = doc;
    const state = doc.revokedAt ? 'revoked' : doc.expiresAt <= this.#now() ? 'expired' : 'active';
    return { ...rest, state };
  }

  #view(doc: AdminDocument, lock: LockoutDocument | undefined): AdminView {
    const now = this.#now();
    return {
      name: doc.name,
      role: doc.role,
      enabled: doc.enabled,
      createdAt: doc.createdAt,
      passwordChangedAt: doc.passwordChangedAt,
      failedSignIns: lock?.failures ?? 0,
      lockedUntil: lock?.lockedUntil && lock.lockedUntil > now ? lock.lockedUntil : null,
      lastSignInAt: lock?.lastSignInAt ?? null,
    };
  }

  #now(): string {
    return this.#deps.clock.now().toISOString();
  }
}

function sessionKey(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex');
}
