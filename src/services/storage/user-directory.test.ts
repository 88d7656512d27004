import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.ts';
import { resolveUser, userLookupFromClaims } from '../../core/storage/index.ts';
import type { ActingUserClaims, StorageUser } from '../../core/index.ts';
import { MemoryDocumentStore } from '../../store/memory/memory-document-store.ts';
import { silentLogger } from '../service-deps.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { bindServicePorts } from '../services.ts';
import { UserDirectory } from './user-directory.ts';

function deps(store: MemoryDocumentStore): ServiceDeps {
  return {
    store,
    clock: new ManualClock('2026-03-01T10:00:00Z'),
    secretBox: () => {
      throw new Error('no keys needed');
    },
    logger: silentLogger,
    nodeName: 'fe01.litwareinc.com',
    home: '/nonexistent',
    ports: bindServicePorts({}),
  };
}

const users: StorageUser[] = [
  {
    sip: 'kenmyer@litwareinc.com',
    smtp: 'kenmyer@litwareinc.com',
    upn: 'kenmyer@litwareinc.com',
    sid: 's-1-5-21-1-2-3-1001',
  },
  { sip: 'pilar@litwareinc.com', smtp: 'pilar.ackerman@litwareinc.com', upn: 'pilar@corp.litwareinc.com' },
  // Shares an SMTP address with nobody but its UPN with Ken's SMTP: an ambiguity the rules must report.
  { sip: 'kenm2@litwareinc.com', smtp: 'kenm2@litwareinc.com', upn: 'kenmyer@litwareinc.com' },
  {
    sip: 'noupn@litwareinc.com',
    smtp: 'noupn@litwareinc.com',
    upn: 'noupn@litwareinc.com',
    sid: 'S-1-5-21-1-2-3-1004',
  },
];

function outcome(run: () => StorageUser): string {
  try {
    return `ok:${run().sip}`;
  } catch (err) {
    return (err as { code: string }).code;
  }
}

test('the indexed directory decides exactly as resolving against every user (docs/protocol.md §2.6 step 5)', async () => {
  const store = new MemoryDocumentStore();
  await store.write(
    users.map((u) => ({
      op: 'put' as const,
      kind: 'user' as const,
      key: u.sip,
      body: u,
      expect: 'absent' as const,
    })),
  );
  const directory = new UserDirectory(deps(store));
  const values = [
    null,
    'kenmyer@litwareinc.com',
    'pilar.ackerman@litwareinc.com',
    'pilar@corp.litwareinc.com',
    'nobody@litwareinc.com',
    'noupn@litwareinc.com',
  ];
  const niis = [null, 'urn:office:idp:activedirectory', 'urn:federation:MicrosoftOnline', 'trusted:other'];
  const nameids = ['kenmyer@litwareinc.com', 's-1-5-21-1-2-3-1001', 'S-1-5-21-1-2-3-1004', 'x'];
  let cases = 0;
  for (const nii of niis)
    for (const nameid of nameids)
      for (const smtp of values)
        for (const sip of values)
          for (const acceptSid of [false, true]) {
            const claims: ActingUserClaims = { nameid, nii, smtp, sip, upn: smtp };
            const lookup = userLookupFromClaims(claims, acceptSid);
            const expected = outcome(() => resolveUser(users, lookup));
            const candidates = await directory.candidates(lookup);
            assert.equal(
              outcome(() => resolveUser(candidates, lookup)),
              expected,
              JSON.stringify({ claims, acceptSid }),
            );
            cases += 1;
          }
  assert.ok(cases > 1000);
});

test('a user added or removed after the index was built is seen by the next lookup', async () => {
  const store = new MemoryDocumentStore();
  const directory = new UserDirectory(deps(store));
  const lookup = { sip: 'late@litwareinc.com' };
  assert.deepEqual(await directory.candidates(lookup), []);
  const late: StorageUser = {
    sip: 'late@litwareinc.com',
    smtp: 'late@litwareinc.com',
    upn: 'late@litwareinc.com',
  };
  const { version } = await store.write([
    { op: 'put', kind: 'user', key: late.sip, body: late, expect: 'absent' },
  ]);
  assert.deepEqual(
    (await directory.candidates(lookup)).map((u) => u.sip),
    ['late@litwareinc.com'],
  );
  await store.write([{ op: 'delete', kind: 'user', key: late.sip, expect: version }]);
  assert.deepEqual(await directory.candidates(lookup), []);
});
