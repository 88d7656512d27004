/**
 * The first administrator of a fresh deployment (docs/admin.md "The first administrator"): `npm start`'s
 * bootstrap creates `admin` (full) with a generated password in S2S_HOME/initial-admin.pw, mode 0600,
 * never in its output; the password signs in; a second start creates nobody and leaves no file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { prepareBootstrap } from '../../src/main/bootstrap.ts';
import { signIn, startAdminServer } from './admin-server.ts';

test('bootstrap creates the first full administrator with a password only in a 0600 file', async (t) => {
  const s = await startAdminServer({ populate: false });
  t.after(() => s.close());
  const file = join(s.home, 'initial-admin.pw');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const password = readFileSync(file, 'utf8').trim();
  assert.ok(password.length >= 20);
  const admin = await s.d.services.admins.get('admin');
  assert.equal(admin.role, 'full');
  const session = await signIn(s, 'admin', password);
  assert.equal(session.answer.status, 200);
  assert.equal(session.answer.json.role, 'full');
  // The start-up report names the file, never the password; a later start creates no one.
  rmSync(file);
  const again = await prepareBootstrap(s.d, {});
  assert.ok(!again.actions.some((a) => a.includes('administrator')), again.actions.join('\n'));
  assert.ok(!existsSync(file));
  const audit = JSON.stringify(await s.d.services.audit.list());
  assert.ok(!audit.includes(password));
});
