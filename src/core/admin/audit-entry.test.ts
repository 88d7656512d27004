import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactForAudit } from './audit-entry.ts';
import { decodeWire, encodeWire, redactStoredSecrets } from './wire-codec.ts';

test('audit redaction: secret members by name, sealed secrets, bytes and long strings', () => {
  const sealed = { alg: 'A256GCM', kid: 'ab', iv: 'iv', tag: 't', data: 'ciphertext' };
  const out = redactForAudit({
    name: 'alice',
    password: 'p1',
    caPassword: 'p2',
    clientSecret: 'p3',
    token: 'p4',
    nested: [{ privateKey: sealed, keyFile: Buffer.from('k'), file: Buffer.alloc(3) }],
    sealedElsewhere: sealed,
    long: 'x'.repeat(2000),
    when: new Date('2026-01-01T00:00:00Z'),
    fn: () => 1,
  });
  assert.deepEqual(out, {
    name: 'alice',
    password: '[redacted]',
    caPassword: '[redacted]',
    clientSecret: '[redacted]',
    token: '[redacted]',
    nested: [{ privateKey: '[redacted]', keyFile: '[redacted]', file: '[3 bytes]' }],
    sealedElsewhere: '[redacted]',
    long: '[2000 characters]',
    when: '2026-01-01T00:00:00.000Z',
  });
  assert.ok(!JSON.stringify(out).includes('ciphertext'));
});

test('wire codec: bytes and dates round-trip; prototype keys are dropped; stored secrets redacted', () => {
  const value = {
    file: Buffer.from([0, 1, 255]),
    at: new Date('2026-02-03T04:05:06Z'),
    list: [1, 'a', null],
    skip: undefined,
  };
  const back = decodeWire(JSON.parse(JSON.stringify(encodeWire(value)))) as Record<string, unknown>;
  assert.deepEqual(back.file, Buffer.from([0, 1, 255]));
  assert.deepEqual(back.at, new Date('2026-02-03T04:05:06Z'));
  assert.deepEqual(back.list, [1, 'a', null]);
  assert.ok(!('skip' in back));
  const hostile = decodeWire(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')) as Record<
    string,
    unknown
  >;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(hostile, { a: 1 });
  assert.deepEqual(
    redactStoredSecrets({
      root: { privateKey: { alg: 'A256GCM', kid: 'k', iv: 'i', tag: 't', data: 'd' } },
      accounts: [{ name: 'e', password: { alg: 'scrypt', logN: 15, r: 8, p: 1, salt: 's', hash: 'h' } }],
      secretHash: 'x',
      pfx: Buffer.from('kept'),
    }),
    {
      root: { privateKey: '[redacted]' },
      accounts: [{ name: 'e', password: '[redacted]' }],
      secretHash: '[redacted]',
      pfx: Buffer.from('kept'),
    },
  );
});
