/**
 * Who may do what in the storage service (docs/protocol.md §4 trust levels; docs/storage.md "Authorization").
 *
 * - App-level operations (describe the service, list the folder names) — any authenticated caller.
 * - Mailbox operations (create/list/get/delete items of one user):
 *   - act-as token: the partner must have Full trust (or be a server of our own pool), and the user the
 *     token resolves to must be the mailbox owner — a Full-trust partner may act as any user of the
 *     realm, but only as that user;
 *   - app-only token: only a Full-trust partner (or our own pool), standing for the archiving rights
 *     Exchange grants a partner's linked account (ArchiveApplication, docs/protocol.md §6.3);
 *   - an Application-trust partner never reaches user data (it may represent only itself).
 */
import type { S2sPrincipal } from '../tokens/validation-outcome.ts';
import type { StorageUser } from './storage-user.ts';
import { storageError } from './storage-errors.ts';

/** What an operation touches. */
export type StorageScope = { readonly kind: 'app' } | { readonly kind: 'mailbox'; readonly owner: string };

/** The parts of a principal authorization looks at. */
export type StorageCaller = Pick<S2sPrincipal, 'kind' | 'partnerIdentity' | 'trustLevel' | 'mode'>;

/**
 * Decides an operation; returns the `createdBy` label of the caller, or throws ERR_STORAGE_FORBIDDEN.
 * `actingUser` is the user an act-as token resolved to (null for app-only tokens).
 */
export function authorizeStorage(
  caller: StorageCaller,
  scope: StorageScope,
  actingUser: StorageUser | null,
): string {
  const label = actingUser ? `${caller.partnerIdentity} as ${actingUser.sip}` : caller.partnerIdentity;
  if (scope.kind === 'app') return label;
  const fullTrust = caller.kind === 'self' || caller.trustLevel === 'Full';
  if (!fullTrust) {
    throw forbidden(
      `partner ${caller.partnerIdentity} has ${caller.trustLevel} trust and may not reach user mailboxes`,
      caller,
    );
  }
  if (caller.mode === 'user') {
    if (!actingUser) throw forbidden('an act-as token must name a user', caller);
    if (actingUser.sip !== scope.owner) {
      throw forbidden(
        `the token acts as ${actingUser.sip} and may not open the mailbox of ${scope.owner}`,
        caller,
      );
    }
  }
  return label;
}

function forbidden(message: string, caller: StorageCaller) {
  return storageError('ERR_STORAGE_FORBIDDEN', message, {
    partner: caller.partnerIdentity,
    trustLevel: caller.trustLevel,
    mode: caller.mode,
  });
}
