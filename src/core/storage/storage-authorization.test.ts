import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { authorizeStorage } from './storage-authorization.ts';
import type { StorageCaller } from './storage-authorization.ts';
import { newStorageUser } from './storage-user.ts';
import { hasCode } from '../shared/errors.ts';

const ken = newStorageUser({
  sip: 'kenmyer@litwareinc.com',
  smtp: 'kenmyer@litwareinc.com',
  upn: 'kenmyer@litwareinc.com',
});
const caller = (c: Partial<StorageCaller>): StorageCaller => ({
  kind: 'partner',
  partnerIdentity: 'skype',
  trustLevel: 'Full',
  mode: 'user',
  ...c,
});
const forbidden = (err: unknown) => hasCode(err, 'ERR_STORAGE_FORBIDDEN');

describe('authorizeStorage', () => {
  test('a Full-trust act-as token opens the mailbox of the user it acts as', () => {
    assert.equal(
      authorizeStorage(caller({}), { kind: 'mailbox', owner: ken.sip }, ken),
      'skype as kenmyer@litwareinc.com',
    );
  });
  test("a Full-trust act-as token may not open another user's mailbox", () => {
    assert.throws(
      () => authorizeStorage(caller({}), { kind: 'mailbox', owner: 'pilar@litwareinc.com' }, ken),
      forbidden,
    );
  });
  test('a Full-trust app-only token opens any mailbox of the realm', () => {
    assert.equal(
      authorizeStorage(caller({ mode: 'app' }), { kind: 'mailbox', owner: ken.sip }, null),
      'skype',
    );
  });
  test('an Application-trust partner is limited to app-level operations', () => {
    assert.equal(
      authorizeStorage(caller({ mode: 'app', trustLevel: 'Application' }), { kind: 'app' }, null),
      'skype',
    );
    assert.throws(
      () =>
        authorizeStorage(
          caller({ mode: 'app', trustLevel: 'Application' }),
          { kind: 'mailbox', owner: ken.sip },
          null,
        ),
      forbidden,
    );
  });
  test('a server of our own pool counts as Full trust', () => {
    assert.equal(
      authorizeStorage(
        caller({ kind: 'self', trustLevel: 'Application', mode: 'app' }),
        { kind: 'mailbox', owner: ken.sip },
        null,
      ),
      'skype',
    );
  });
});
