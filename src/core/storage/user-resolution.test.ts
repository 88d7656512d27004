import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { NII, resolveActingUser, resolveUser, userLookupFromClaims } from './user-resolution.ts';
import { newStorageUser } from './storage-user.ts';
import type { ActingUserClaims } from '../tokens/validation-outcome.ts';
import { S2sError } from '../shared/errors.ts';

const ken = newStorageUser({
  sip: 'sip:KenMyer@litwareinc.com',
  smtp: 'kenmyer@litwareinc.com',
  upn: 'ken@corp.litwareinc.com',
  sid: 'S-1-5-21-1-2-3-1104',
});
const pilar = newStorageUser({
  sip: 'pilar@litwareinc.com',
  smtp: 'pilar@litwareinc.com',
  upn: 'pilar@corp.litwareinc.com',
  sid: 'S-1-5-21-1-2-3-1105',
});
const users = [ken, pilar];

function claims(c: Partial<ActingUserClaims>): ActingUserClaims {
  return { nameid: '', nii: null, smtp: null, sip: null, upn: null, ...c };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof S2sError);
    return err.code;
  }
  return 'no error';
}

describe('userLookupFromClaims (docs/protocol.md §2.6 step 5)', () => {
  const all = { nameid: 's-1-5-21-1-2-3-1104', smtp: 'a@x.com', sip: 'sip:b@x.com', upn: 'c@x.com' };
  const table: Array<[string, string | null, boolean, object]> = [
    [
      'no nii: nameid is the UPN',
      null,
      true,
      { upn: 's-1-5-21-1-2-3-1104', smtp: 'a@x.com', sip: 'b@x.com' },
    ],
    [
      'nii but SIDs not accepted',
      NII.activeDirectory,
      false,
      { upn: 'c@x.com', smtp: 'a@x.com', sip: 'b@x.com' },
    ],
    [
      'AD nii with SIDs accepted',
      'urn:office:idp:ActiveDirectory',
      true,
      { sid: 's-1-5-21-1-2-3-1104', upn: 'c@x.com', smtp: 'a@x.com', sip: 'b@x.com' },
    ],
    [
      'Entra nii',
      'urn:federation:MicrosoftOnline',
      true,
      { upn: 'c@x.com', smtp: 'a@x.com', sip: 'b@x.com' },
    ],
    ['OrgId nii', NII.orgId, true, { upn: 'c@x.com', smtp: 'a@x.com', sip: 'b@x.com' }],
    ['any other nii: addresses only', 'trusted:adfs', true, { smtp: 'a@x.com', sip: 'b@x.com' }],
  ];
  for (const [title, nii, accept, expected] of table) {
    test(title, () => assert.deepEqual(userLookupFromClaims(claims({ ...all, nii }), accept), expected));
  }
});

describe('resolveUser', () => {
  test('one attribute suffices (the query ORs them)', () => {
    assert.equal(
      resolveUser(users, { sip: 'kenmyer@litwareinc.com', smtp: 'nobody@x.com' }).sip,
      'kenmyer@litwareinc.com',
    );
  });
  test('a SIP claim with the sip: prefix and upper case still matches', () => {
    assert.equal(
      resolveActingUser(
        users,
        claims({ nameid: 'x', nii: 'trusted:x', sip: 'sip:KENMYER@litwareinc.com' }),
        false,
      ).sip,
      'kenmyer@litwareinc.com',
    );
  });
  test('no match is 6001 ERR_USER_CLAIMS_NO_MATCH', () => {
    assert.equal(
      code(() => resolveUser(users, { sip: 'nobody@litwareinc.com' })),
      'ERR_USER_CLAIMS_NO_MATCH',
    );
  });
  test('no usable claim is 6001 too', () => {
    assert.equal(
      code(() => resolveActingUser(users, claims({ nii: 'trusted:x', upn: 'kenmyer@litwareinc.com' }), true)),
      'ERR_USER_CLAIMS_NO_MATCH',
    );
  });
  test('two users matched is 6002 ERR_USER_CLAIMS_AMBIGUOUS', () => {
    assert.equal(
      code(() => resolveUser(users, { sip: 'kenmyer@litwareinc.com', smtp: 'pilar@litwareinc.com' })),
      'ERR_USER_CLAIMS_AMBIGUOUS',
    );
  });
  test('two hits are resolved by the SID', () => {
    const u = resolveUser(users, { sid: 's-1-5-21-1-2-3-1105', sip: 'kenmyer@litwareinc.com' });
    assert.equal(u.sip, 'pilar@litwareinc.com');
  });
  test('a SID differing from the matched user is 6003 ERR_USER_SID_MISMATCH', () => {
    assert.equal(
      code(() => resolveUser(users, { sid: 's-1-5-21-9-9-9-1', sip: 'kenmyer@litwareinc.com' })),
      'ERR_USER_SID_MISMATCH',
    );
  });
  test('a user without a recorded SID is matched by address even when a SID is claimed', () => {
    const noSid = newStorageUser({ sip: 'a@x.com', smtp: 'a@x.com', upn: 'a@x.com' });
    assert.equal(resolveUser([noSid], { sid: 's-1-5-21-1-1-1-1', sip: 'a@x.com' }).sip, 'a@x.com');
  });
  test('the catalog carries the Exchange diagnostic codes', async () => {
    const { STORAGE_ERRORS } = await import('./storage-errors.ts');
    assert.deepEqual(STORAGE_ERRORS.ERR_USER_CLAIMS_NO_MATCH.diagnostic, {
      code: 6001,
      category: 'invalid_user',
    });
    assert.equal(STORAGE_ERRORS.ERR_USER_CLAIMS_AMBIGUOUS.diagnostic.code, 6002);
    assert.equal(STORAGE_ERRORS.ERR_USER_SID_MISMATCH.diagnostic.code, 6003);
  });
});
