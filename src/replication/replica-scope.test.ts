import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CENTRAL_KINDS, isConfigurationChange, isMailboxData } from '../core/replication/replica-scope.ts';
import { isReplicated, KIND_SCOPE } from './replica-snapshot.ts';

test('the replica scope: mailbox items and usage counters are central, everything else is configuration', () => {
  assert.deepEqual(
    Object.entries(KIND_SCOPE)
      .filter(([, scope]) => scope === 'central')
      .map(([kind]) => kind),
    [...CENTRAL_KINDS],
    'KIND_SCOPE and the core list agree',
  );
  assert.equal(isReplicated('mailbox-item', 'alice@contoso.com/Inbox/1'), false);
  assert.equal(isReplicated('counter', 'mailbox-usage/alice@contoso.com'), false);
  assert.equal(isReplicated('counter', 'mailbox'), false, 'a listing prefix that reaches usage counters');
  assert.equal(isReplicated('counter', 'ca-request-id'), true);
  assert.equal(isReplicated('counter', ''), true);
  assert.equal(isReplicated('partner', 'exchange'), true);
  assert.equal(isMailboxData('counter', 'mailbox-usage/a'), true);
  assert.equal(isConfigurationChange('node', 'fe1'), false);
  assert.equal(isConfigurationChange('mailbox-item', 'a/Inbox/1'), false);
  assert.equal(isConfigurationChange('counter', 'mailbox-usage/a'), false);
  assert.equal(isConfigurationChange('oauth-config', 'global'), true);
});
