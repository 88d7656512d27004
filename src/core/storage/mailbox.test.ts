import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMailboxFolder, validateNewItem } from './mailbox.ts';
import { newStorageUser } from './storage-user.ts';
import { hasCode } from '../shared/errors.ts';

test('folder names parse case-insensitively, as EWS distinguished ids', () => {
  assert.equal(parseMailboxFolder('conversationhistory'), 'ConversationHistory');
  assert.throws(
    () => parseMailboxFolder('Drafts'),
    (e) => hasCode(e, 'ERR_MAILBOX_FOLDER_UNKNOWN'),
  );
});

test('a new item needs a subject and stays within limits', () => {
  assert.deepEqual(validateNewItem({ subject: 's' }), { subject: 's', body: '', itemClass: 'IPM.Note' });
  assert.throws(
    () => validateNewItem({}),
    (e) => hasCode(e, 'ERR_MAILBOX_ITEM_INVALID'),
  );
  assert.throws(
    () => validateNewItem({ subject: 'x'.repeat(256) }),
    (e) => hasCode(e, 'ERR_MAILBOX_ITEM_INVALID'),
  );
  assert.throws(
    () => validateNewItem({ subject: 's', itemClass: 'a b' }),
    (e) => hasCode(e, 'ERR_MAILBOX_ITEM_INVALID'),
  );
});

test('user attributes are normalized and validated', () => {
  const u = newStorageUser({
    sip: 'SIP:Ken@Litwareinc.com',
    smtp: 'Ken@litwareinc.com',
    upn: 'ken@litwareinc.com',
    sid: 's-1-5-21-1-2-3-1104',
  });
  assert.deepEqual(u, {
    sip: 'ken@litwareinc.com',
    smtp: 'ken@litwareinc.com',
    upn: 'ken@litwareinc.com',
    sid: 'S-1-5-21-1-2-3-1104',
  });
  assert.throws(
    () => newStorageUser({ sip: 'ken', smtp: 'a@b.com', upn: 'a@b.com' }),
    (e) => hasCode(e, 'ERR_USER_INVALID'),
  );
  assert.throws(
    () => newStorageUser({ sip: 'a@b.com', smtp: 'a@b.com', upn: 'a@b.com', sid: 'X-1' }),
    (e) => hasCode(e, 'ERR_USER_INVALID'),
  );
});
