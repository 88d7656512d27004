/**
 * The 400 answer for a bad URL does not echo it (docs/security.md "Secrets in logs"): a path that does not
 * percent-decode, or a parameter over the router's length limit, gets `ERR_HTTP_BAD_URL` with a fixed
 * text; the path — which may carry a token or script — appears in no answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/main/server.ts';
import type { RunningServer } from '../../src/main/server.ts';
import { HOST, hostileWorld } from './hostile-deployment.ts';
import { httpsGet } from './loopback-https.ts';
import type { HostileWorld } from './hostile-deployment.ts';

let w: HostileWorld;
let server: RunningServer;

before(async () => {
  w = await hostileWorld();
  await w.d.services.certificates.set({ usages: ['Default'], thumbprint: w.us.cert.thumbprint });
  server = await startServer(w.d, {
    listen: '127.0.0.1:0',
    refreshTickMs: 3_600_000,
    tlsRecheckMs: 3_600_000,
  });
});
after(async () => {
  await server?.close();
  await w?.close();
});

async function get(path: string): Promise<{ status: number; type: string; body: string }> {
  const a = await httpsGet(server.port, path, { host: HOST });
  return { status: a.status, type: String(a.headers['content-type']), body: a.body };
}

const MARK = 'eyJhbGciOiJub25lIn0<script>alert(1)</script>';

describe('a bad URL is refused without being echoed', () => {
  test('an undecodable percent-escape in a path parameter: 400 ERR_HTTP_BAD_URL, no echo', async () => {
    for (const path of [
      `/storage/v1/users/%zz${encodeURIComponent(MARK)}/folders/x/items`,
      `/storage/v1/users/a%E0%A4%A/folders/${encodeURIComponent(MARK)}/items`,
    ]) {
      const a = await get(path);
      assert.equal(a.status, 400, a.body);
      assert.match(a.type, /^application\/json/);
      const body = JSON.parse(a.body) as { code: string; error_description: string };
      assert.equal(body.code, 'ERR_HTTP_BAD_URL');
      assert.ok(
        !a.body.includes('eyJhbGci') && !a.body.includes('<script') && !a.body.includes('%zz'),
        a.body,
      );
    }
  });

  test('a path parameter over the router limit: 400 ERR_HTTP_BAD_URL, no echo', async () => {
    const a = await get(`/storage/v1/users/${'x'.repeat(600)}${encodeURIComponent(MARK)}/folders/x/items`);
    assert.equal(a.status, 400, a.body.slice(0, 200));
    assert.equal((JSON.parse(a.body) as { code: string }).code, 'ERR_HTTP_BAD_URL');
    assert.ok(!a.body.includes('xxxxxxxx') && !a.body.includes('eyJhbGci'), a.body.slice(0, 200));
  });
});
