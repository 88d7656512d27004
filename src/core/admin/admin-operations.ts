/**
 * Every administration operation, once (docs/admin.md "Operations"): the service method it calls, the
 * roles allowed to call it, whether it changes the store, and which arguments are secrets. The CLI (locally
 * through the audit decorator, remotely through the API), the administration API's routes and its OpenAPI
 * document are all built from this one table.
 */
import type { AdminRole } from './admin-roles.ts';

/** read: no change, any role. change: writes the store. action: no stored change, but not for read-only (issues a token, calls out, reveals a secret). */
export type OperationEffect = 'read' | 'change' | 'action';

export interface AdminOperation {
  /** The service method's path joined by dots, e.g. `partners.update`, `ca.authority.accounts.add`. */
  readonly id: string;
  readonly effect: OperationEffect;
  /** Roles besides `full` that may call it (full may call everything). */
  readonly roles: readonly AdminRole[];
  /** The CLI command that calls it (documentation). */
  readonly command: string;
  /** Positional arguments that are secrets (never audited, never logged). */
  readonly secretArgs?: readonly number[];
  /** The result is a secret for its caller (an exported key, a token): never audited. */
  readonly secretResult?: boolean;
}

const READ: readonly AdminRole[] = ['certificate', 'partner', 'read-only'];
const CERT: readonly AdminRole[] = ['certificate'];
const PARTNER: readonly AdminRole[] = ['partner'];
const TRUST: readonly AdminRole[] = ['certificate', 'partner'];
const FULL: readonly AdminRole[] = [];

const op = (
  id: string,
  effect: OperationEffect,
  roles: readonly AdminRole[],
  command: string,
  extra: Partial<Pick<AdminOperation, 'secretArgs' | 'secretResult'>> = {},
): AdminOperation => Object.freeze({ id, effect, roles, command, ...extra });

export const ADMIN_OPERATIONS: readonly AdminOperation[] = [
  op('oauth.find', 'read', READ, 'oauth get'),
  op('oauth.get', 'read', READ, 'oauth get'),
  op('oauth.update', 'change', FULL, 'oauth set'),
  op('oauth.initialize', 'change', FULL, 'init'),
  op('certificates.import', 'change', CERT, 'certificate import'),
  op('certificates.get', 'read', READ, 'certificate get'),
  op('certificates.list', 'read', READ, 'certificate list'),
  op('certificates.set', 'change', CERT, 'certificate set'),
  op('certificates.remove', 'change', CERT, 'certificate remove'),
  op('certificates.delete', 'change', CERT, 'certificate delete'),
  op('certificates.export', 'action', CERT, 'certificate export', { secretResult: true }),
  op('renewal.setPolicy', 'change', CERT, 'certificate policy set'),
  op('renewal.getPolicies', 'read', READ, 'certificate policy get'),
  op('renewal.status', 'read', READ, 'certificate get'),
  op('renewal.partnerExpiries', 'read', READ, 'certificate get'),
  op('ca.plan', 'action', CERT, 'certificate request'),
  op('ca.submit', 'change', CERT, 'certificate request'),
  op('ca.request', 'change', CERT, 'certificate request'),
  op('ca.importResponse', 'change', CERT, 'certificate import'),
  op('ca.listRequests', 'read', READ, 'certificate request --list'),
  op('ca.retrieveRequest', 'read', READ, 'certificate request --retrieve'),
  op('ca.clearRequest', 'change', CERT, 'certificate request --clear'),
  op('ca.status', 'read', READ, 'certificate request'),
  op('ca.authority.document', 'read', READ, 'ca show'),
  op('ca.authority.init', 'change', CERT, 'ca init'),
  op('ca.authority.caChain', 'read', READ, 'ca show, ca export-root'),
  op('ca.authority.listTemplates', 'read', READ, 'ca template list'),
  op('ca.authority.template', 'read', READ, 'ca template list'),
  op('ca.authority.addTemplate', 'change', CERT, 'ca template add'),
  op('ca.authority.removeTemplate', 'change', CERT, 'ca template remove'),
  op('ca.authority.issued', 'read', READ, 'ca issued'),
  op('ca.authority.revoke', 'change', CERT, 'ca revoke'),
  op('ca.authority.crl', 'read', READ, 'ca crl'),
  op('ca.authority.accounts.add', 'change', CERT, 'ca account add', { secretArgs: [1] }),
  op('ca.authority.accounts.list', 'read', READ, 'ca account list'),
  op('ca.authority.accounts.remove', 'change', CERT, 'ca account remove'),
  op('ca.trustedRoots.add', 'change', TRUST, 'trusted-root add'),
  op('ca.trustedRoots.list', 'read', READ, 'trusted-root list, trusted-root export'),
  op('ca.trustedRoots.remove', 'change', TRUST, 'trusted-root remove'),
  op('partners.create', 'change', PARTNER, 'partner new'),
  op('partners.preview', 'action', PARTNER, 'partner new (the console: metadata shown before it is trusted)'),
  op('partners.get', 'read', READ, 'partner get'),
  op('partners.list', 'read', READ, 'partner get'),
  op('partners.update', 'change', PARTNER, 'partner set'),
  op('partners.remove', 'change', PARTNER, 'partner remove'),
  op('partners.refresh', 'change', PARTNER, 'partner refresh'),
  op('partners.refreshAll', 'change', PARTNER, 'partner refresh --all'),
  op('oauthServers.create', 'change', PARTNER, 'oauth-server new'),
  op('oauthServers.get', 'read', READ, 'oauth-server get'),
  op('oauthServers.list', 'read', READ, 'oauth-server list'),
  op('oauthServers.update', 'change', PARTNER, 'oauth-server set'),
  op('oauthServers.remove', 'change', PARTNER, 'oauth-server remove'),
  op('oauthServers.refresh', 'change', PARTNER, 'oauth-server refresh'),
  op('storage.testPartnerTrust', 'action', PARTNER, 'partner test'),
  op('storage.testConnectivity', 'action', PARTNER, 'test storage-connectivity'),
  op('metadata.defaultUrl', 'read', READ, 'metadata show'),
  op('metadata.document', 'read', READ, 'metadata show'),
  op('metadata.openIdConfiguration', 'read', READ, 'metadata show'),
  op('metadata.jwks', 'read', READ, 'metadata show'),
  op('metadata.publishedOrigin', 'read', READ, 'metadata show'),
  op('tokens.issue', 'action', FULL, 'token new', { secretResult: true }),
  op('tokens.explain', 'read', READ, 'token test', { secretArgs: [0] }),
  op('storage.addUser', 'change', FULL, 'user add'),
  op('storage.getUser', 'read', READ, 'user get'),
  op('storage.listUsers', 'read', READ, 'user list'),
  op('storage.removeUser', 'change', FULL, 'user remove'),
  op('admins.add', 'change', FULL, 'admin add'),
  op('admins.set', 'change', FULL, 'admin set'),
  op('admins.get', 'read', READ, 'admin get'),
  op('admins.list', 'read', READ, 'admin list'),
  op('admins.remove', 'change', FULL, 'admin remove'),
  op('admins.roles', 'read', READ, 'admin role list'),
  op('admins.newToken', 'change', FULL, 'admin token new', { secretResult: true }),
  op('admins.listTokens', 'read', READ, 'admin token list'),
  op('admins.revokeToken', 'change', FULL, 'admin token revoke'),
  op('audit.list', 'read', READ, 'audit list'),
  op('audit.prune', 'change', FULL, 'audit prune'),
];

const BY_ID = new Map(ADMIN_OPERATIONS.map((o) => [o.id, o]));

/** The operation of this id, or undefined. */
export function adminOperation(id: string): AdminOperation | undefined {
  return BY_ID.get(id);
}

/** Whether `role` may call `operation`. */
export function roleAllows(role: AdminRole, operation: AdminOperation): boolean {
  return role === 'full' || operation.roles.includes(role);
}
