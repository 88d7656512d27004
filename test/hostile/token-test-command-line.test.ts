/**
 * Tokens on the command line (docs/security.md "Tokens on the command line"): `s2s token test` reads the
 * token from a file or standard input only. A token given as an argument — visible to every local user in
 * `ps` and `/proc/<pid>/cmdline`, and kept in shell history — is refused with ERR_TOKEN_ON_COMMAND_LINE
 * (exit 2) before anything is opened, and the refusal never repeats it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';
import { actorClaims, EXCHANGE, hostileWorld, rs256, s2s, URL_OK } from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';

let w: HostileWorld;
let token = '';
before(async () => {
  w = await hostileWorld();
  token = rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert);
});
after(async () => w?.close());

async function withStdin(stdin: string, ...argv: string[]) {
  const mem = memoryIo({ ...w.env }, stdin);
  const code = await runCli(argv, cliEnvironment(mem.io));
  return { code, out: mem.out(), err: mem.err() };
}

describe('token test never takes the token from the command line', () => {
  test('a token argument is refused ERR_TOKEN_ON_COMMAND_LINE (exit 2), pointing at --token-file, without echo', async () => {
    for (const argv of [
      ['token', 'test', token, '--url', URL_OK],
      ['token', 'test', `Bearer ${token}`, '--url', URL_OK],
      ['token', 'test', token, '--url', URL_OK, '--json'],
    ]) {
      const r = await s2s(w.env, ...argv);
      assert.equal(r.code, 2, r.err);
      const text = r.out + r.err;
      if (argv.includes('--json')) assert.equal(JSON.parse(r.out).error.code, 'ERR_TOKEN_ON_COMMAND_LINE');
      else assert.match(r.err, /^error ERR_TOKEN_ON_COMMAND_LINE: .*--token-file/m);
      for (const part of token.split('.')) assert.ok(!text.includes(part), 'the refusal repeats the token');
    }
  });

  test('--token-file <file> and --token-file - (standard input) validate the token', async () => {
    const file = join(w.home, 'token.txt');
    writeFileSync(file, `Bearer ${token}\n`);
    chmodSync(file, 0o600);
    const fromFile = await s2s(w.env, 'token', 'test', '--token-file', file, '--url', URL_OK, '--json');
    assert.equal(fromFile.code, 0, fromFile.err);
    assert.equal(JSON.parse(fromFile.out).accepted, true);
    const piped = await withStdin(token, 'token', 'test', '--token-file', '-', '--url', URL_OK, '--json');
    assert.equal(piped.code, 0, piped.err);
    assert.equal(JSON.parse(piped.out).accepted, true);
    assert.ok(!(piped.out + fromFile.out).includes(token.split('.')[2]!), 'never printed');
  });

  test('no token at all, or both - and --token-file, is a usage error', async () => {
    const none = await s2s(w.env, 'token', 'test', '--url', URL_OK);
    assert.equal(none.code, 2);
    assert.match(none.err, /^error ERR_USAGE: .*--token-file/m);
    const both = await withStdin(token, 'token', 'test', '-', '--token-file', '-', '--url', URL_OK);
    assert.equal(both.code, 2);
    assert.match(both.err, /^error ERR_USAGE: /m);
  });
});
