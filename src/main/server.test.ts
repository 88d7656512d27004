import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Agent, request } from 'undici';
import { resolveNodeConfig } from '../config/node-config.ts';
import { buildDeployment } from './deployment.ts';
import type { Deployment } from './deployment.ts';
import { openStore } from './open-store.ts';
import { prepareBootstrap } from './bootstrap.ts';
import { createServerLogger } from './server-logger.ts';
import { startServer } from './server.ts';
import type { RunningServer } from './server.ts';

/** Log lines the server wrote, parsed. */
const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as never);
    done();
  },
});

describe('front-end server: request ids, one access line per request, latency histogram', () => {
  let home: string;
  let deployment: Deployment;
  let server: RunningServer;
  const agent = new Agent({ connect: { rejectUnauthorized: false } });

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 's2s-server-'));
    const config = resolveNodeConfig(
      { home },
      { S2S_MASTER_KEY: randomBytes(32).toString('hex'), S2S_NODE: 'fe.litwareinc.test' },
    );
    deployment = buildDeployment(config, await openStore(config.store));
    await deployment.services.oauth.initialize({ realm: 'litwareinc.com' });
    await prepareBootstrap(deployment, {});
    server = await startServer(deployment, {
      listen: '127.0.0.1:0',
      logger: createServerLogger({ level: 'info', destination: sink }),
      refreshTickMs: 3_600_000,
    });
  });
  after(async () => {
    await agent.close();
    await server.close();
    await deployment.close();
    rmSync(home, { recursive: true, force: true });
  });

  async function get(path: string, headers: Record<string, string> = {}) {
    const res = await request(`${server.url}${path}`, { dispatcher: agent, headers });
    await res.body.dump();
    return res;
  }

  test('200, 401 and 404 all carry x-request-id; each request logs exactly one line with its reqId', async () => {
    lines.length = 0;
    const secret = `Bearer ${'x'.repeat(40)}.${'y'.repeat(40)}.`;
    const answers = [
      await get('/healthz'),
      await get('/storage/v1/folders', { authorization: secret }),
      await get('/no/such/route'),
    ];
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [200, 401, 404],
    );
    await new Promise((r) => setImmediate(r));
    const access = lines.filter((l) => l.msg === 'request completed');
    assert.equal(access.length, 3);
    assert.equal(lines.filter((l) => l.msg === 'incoming request').length, 0);
    answers.forEach((a, i) => {
      const id = a.headers['x-request-id'];
      assert.ok(typeof id === 'string' && id !== '');
      assert.equal(access[i]!.reqId, id);
      assert.equal(access[i]!.statusCode, a.statusCode);
      assert.equal(typeof access[i]!.responseTime, 'number');
    });
    assert.equal(access[2]!.url, '/no/such/route');
    assert.ok(!JSON.stringify(lines).includes('x'.repeat(40)), 'the bearer token is never logged');
  });

  test('the latency histogram counts requests by route pattern (unmatched for 404s)', async () => {
    await get('/healthz');
    await get('/nothing-here');
    const text = await server.metrics.registry.metrics();
    assert.match(
      text,
      /s2s_http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*status_code="200"[^}]*\} [1-9]/,
    );
    assert.match(
      text,
      /s2s_http_request_duration_seconds_count\{[^}]*route="unmatched"[^}]*status_code="404"[^}]*\} [1-9]/,
    );
    assert.match(text, /s2s_tokens_validated_total\{[^}]*result="refused"[^}]*\} [1-9]/);
  });

  test('tokens the server issues are counted by partner (a cached token is not counted again)', async () => {
    const host = `127.0.0.1:${server.port}`;
    await deployment.services.tokens.issue({ partner: 'self', host });
    await deployment.services.tokens.issue({ partner: 'self', host });
    const text = await server.metrics.registry.metrics();
    assert.match(text, /s2s_tokens_issued_total\{[^}]*partner="self"[^}]*\} 1\b/);
  });

  test('accepted tokens are counted, once per request, between scrapes too', async () => {
    const host = `127.0.0.1:${server.port}`;
    const { token } = await deployment.services.tokens.issue({ partner: 'self', host });
    const accepted = async () =>
      Number(
        /s2s_tokens_validated_total\{[^}]*result="accepted"[^}]*\} (\d+)/.exec(
          await server.metrics.registry.metrics(),
        )?.[1] ?? 0,
      );
    const before = await accepted();
    for (let i = 0; i < 3; i++)
      assert.equal((await get('/storage/v1/folders', { authorization: `Bearer ${token}` })).statusCode, 200);
    assert.equal(await accepted(), before + 3);
    await get('/storage/v1/folders', { authorization: `Bearer ${token}` });
    assert.equal(await accepted(), before + 4);
  });

  test('at level warn no access line is written', async () => {
    server.app.log.level = 'warn';
    lines.length = 0;
    try {
      await get('/healthz');
      await new Promise((r) => setImmediate(r));
      assert.equal(lines.length, 0);
    } finally {
      server.app.log.level = 'info';
    }
  });
});
