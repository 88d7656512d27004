/**
 * `s2s backup create|restore` (docs/backup.md): a backup restored on another home with the same master
 * key gives back the configuration and working private keys; another master key, a damaged file or an
 * existing configuration without --force are refused with their codes and change nothing; a restore killed
 * before its commit leaves the store exactly as it was.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../fixtures/certificates.ts';
import { runS2s } from '../fixtures/s2s-process.ts';

describe('backup and restore', () => {
  let dir: string;
  const home = (name: string) => ({ S2S_HOME: join(dir, name) });
  const ok = async (argv: string[], env: Record<string, string>) => {
    const r = await runS2s(argv, env);
    assert.equal(r.code, 0, `s2s ${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  let thumbprint: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-backup-'));
    const cert = await makeCertificate({ subject: 'CN=contoso.com', dnsNames: ['contoso.com'] });
    thumbprint = cert.thumbprint;
    writeFileSync(join(dir, 'issuer.pem'), cert.pem + cert.keyPem);
    writeFileSync(join(dir, 'pw'), 'export password 1\n');
    await ok(['init', '--realm', 'contoso.com'], home('a'));
    await ok(
      [
        'certificate',
        'import',
        '--path',
        join(dir, 'issuer.pem'),
        '--type',
        'OAuthTokenIssuer',
        '--exportable',
      ],
      home('a'),
    );
    await ok(
      [
        'user',
        'add',
        '--sip',
        'sip:kenmyer@contoso.com',
        '--smtp',
        'kenmyer@contoso.com',
        '--upn',
        'kenmyer@contoso.com',
      ],
      home('a'),
    );
  });

  test('create writes a sealed file (no key material in clear) and never overwrites', async () => {
    const out = JSON.parse(
      await ok(['--json', 'backup', 'create', '--output', join(dir, 'a.json')], home('a')),
    ) as {
      documentCount: number;
      masterKeyId: string;
    };
    assert.ok(out.documentCount >= 4, JSON.stringify(out));
    const text = readFileSync(join(dir, 'a.json'), 'utf8');
    assert.doesNotMatch(text, /contoso\.com|kenmyer|PRIVATE KEY/, 'nothing readable but the header');
    const again = await runS2s(['backup', 'create', '--output', join(dir, 'a.json')], home('a'));
    assert.equal(again.code, 4);
    assert.match(
      again.stderr,
      /^error ERR_BACKUP_OUTPUT_EXISTS: .*a\.json already exists — fix: Choose another --output path/,
    );
  });

  test('restore on a new home with the same master key gives back the configuration and usable keys', async () => {
    mkdirSync(join(dir, 'b'), { mode: 0o700 });
    copyFileSync(join(dir, 'a', 'master.key'), join(dir, 'b', 'master.key'));
    const out = await ok(['backup', 'restore', '--input', join(dir, 'a.json')], home('b'));
    assert.match(out, /Restored\s+: \d+ documents from the backup of /);
    assert.match(await ok(['oauth', 'get'], home('b')), /Realm\s+: contoso\.com/);
    assert.match(
      await ok(['certificate', 'get', '--type', 'OAuthTokenIssuer'], home('b')),
      new RegExp(`Thumbprint\\s+: ${thumbprint}`),
    );
    assert.match(await ok(['user', 'list'], home('b')), /kenmyer@contoso\.com/);
    // The private key opens under this home's master key: an export needs it.
    await ok(
      [
        'certificate',
        'export',
        '--thumbprint',
        thumbprint,
        '--path',
        join(dir, 'b.pfx'),
        '--password-file',
        join(dir, 'pw'),
      ],
      home('b'),
    );
  });

  test('another master key: ERR_BACKUP_KEY_MISMATCH, nothing changed', async () => {
    await ok(['init', '--realm', 'fabrikam.com'], home('c'));
    const r = await runS2s(['backup', 'restore', '--input', join(dir, 'a.json'), '--force'], home('c'));
    assert.equal(r.code, 5);
    assert.match(
      r.stderr,
      /^error ERR_BACKUP_KEY_MISMATCH: the backup was sealed under master key [0-9a-f]{8}, this deployment has [0-9a-f]{8} — fix: Make the backed-up deployment's master key available/,
    );
    assert.match(await ok(['oauth', 'get'], home('c')), /Realm\s+: fabrikam\.com/);
  });

  test('an existing configuration needs --force; a damaged file is refused', async () => {
    const r = await runS2s(['backup', 'restore', '--input', join(dir, 'a.json')], home('b'));
    assert.equal(r.code, 4);
    assert.match(r.stderr, /^error ERR_BACKUP_WOULD_REPLACE: .* — fix: Run `s2s backup create` first/);
    const file = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as { sealed: { data: string } };
    const data = Buffer.from(file.sealed.data, 'base64');
    data[0]! ^= 1;
    file.sealed.data = data.toString('base64');
    writeFileSync(join(dir, 'damaged.json'), JSON.stringify(file));
    const d = await runS2s(['backup', 'restore', '--input', join(dir, 'damaged.json'), '--force'], home('b'));
    assert.equal(d.code, 5);
    assert.match(d.stderr, /^error ERR_BACKUP_INVALID: the sealed contents failed authentication/);
    writeFileSync(join(dir, 'other.json'), '{"hello":1}');
    const o = await runS2s(['backup', 'restore', '--input', join(dir, 'other.json')], home('b'));
    assert.match(o.stderr, /^error ERR_BACKUP_INVALID: the file is not an s2s configuration backup/);
  });

  test('a restore killed before its commit leaves the store as it was; run again, it completes', async () => {
    await ok(
      [
        'user',
        'add',
        '--sip',
        'sip:later@contoso.com',
        '--smtp',
        'later@contoso.com',
        '--upn',
        'later@contoso.com',
      ],
      home('b'),
    );
    const before = await ok(['--json', 'user', 'list'], home('b'));
    const killed = await runS2s(['backup', 'restore', '--input', join(dir, 'a.json'), '--force'], {
      ...home('b'),
      S2S_FAILPOINT: 'store.write.before-commit',
    });
    assert.equal(killed.code, null, 'killed at the failpoint');
    assert.equal(await ok(['--json', 'user', 'list'], home('b')), before);
    const out = await ok(['backup', 'restore', '--input', join(dir, 'a.json'), '--force'], home('b'));
    assert.match(out, /Removed\s+: 1/);
    assert.doesNotMatch(await ok(['user', 'list'], home('b')), /later@contoso\.com/);
  });
});
