/**
 * Progress for long work (docs/decisions.md "Progress output"): on a terminal (a real pseudo-terminal through
 * util-linux `script`) `ca init` and `certificate import` draw a spinner line that ends in ✔; through a
 * pipe, or with --json, nothing but the usual output is written.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../fixtures/certificates.ts';
import { S2S_BIN, runS2s } from '../fixtures/s2s-process.ts';

const HAVE_SCRIPT = spawnSync('script', ['--version']).error === undefined;

/** Runs `s2s ...argv` on a 100-column pseudo-terminal; returns what the terminal showed. */
function onTerminal(argv: string[], env: Record<string, string>): { code: number | null; screen: string } {
  const quoted = [process.execPath, S2S_BIN, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', `stty cols 100 rows 40; ${quoted}`, '/dev/null'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, screen: r.stdout };
}

describe(
  'progress output',
  { skip: HAVE_SCRIPT ? false : 'util-linux `script` is not installed: no pseudo-terminal to test on' },
  () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 's2s-progress-'));
    });

    test('ca init on a terminal: a spinner line for the key generation that ends in ✔, then the result', async () => {
      const env = { S2S_HOME: join(dir, 'tty') };
      assert.equal((await runS2s(['init', '--realm', 'contoso.com'], env)).code, 0);
      const r = onTerminal(['ca', 'init'], env);
      assert.equal(r.code, 0, r.screen);
      assert.match(r.screen, /✔\S* Creating the CA keys \(RSA 3072\) and certificates/);
      assert.match(r.screen, /RootThumbprint\s+: [0-9A-F]{40}/);
    });

    test('certificate import on a terminal names the file while it reads it', async () => {
      const env = { S2S_HOME: join(dir, 'tty') };
      const cert = await makeCertificate({ subject: 'CN=contoso.com', dnsNames: ['contoso.com'] });
      writeFileSync(join(dir, 'issuer.pem'), cert.pem + cert.keyPem);
      const r = onTerminal(['certificate', 'import', '--path', join(dir, 'issuer.pem')], env);
      assert.equal(r.code, 0, r.screen);
      assert.match(r.screen, /✔\S* Importing issuer\.pem/);
    });

    test('through a pipe, and with --json on a terminal, no progress is written', async () => {
      const env = { S2S_HOME: join(dir, 'pipe') };
      assert.equal((await runS2s(['init', '--realm', 'contoso.com'], env)).code, 0);
      const piped = await runS2s(['ca', 'init'], env);
      assert.equal(piped.code, 0, piped.stderr);
      assert.equal(piped.stderr, '');
      assert.doesNotMatch(piped.stdout, /Creating the CA keys/);
      assert.equal(
        (await runS2s(['init', '--realm', 'contoso.com'], { S2S_HOME: join(dir, 'json') })).code,
        0,
      );
      const json = onTerminal(['--json', 'ca', 'init', '--name', 'CN=Second Root'], {
        S2S_HOME: join(dir, 'json'),
      });
      assert.equal(json.code, 0, json.screen);
      assert.match(json.screen, /"rootThumbprint"/);
      assert.doesNotMatch(json.screen, /Creating the CA keys|\[\?25l/);
    });
  },
);
