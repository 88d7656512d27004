// test-file-timeout: 900s
/**
 * `s2s server start --workers N` (docs/server.md "Workers") as real processes on 127.0.0.1: a node:cluster
 * primary and its workers on one bootstrapped SQLite home (and a PostgreSQL pool node): every worker serves
 * on the one port (the detailed /readyz names the worker), /metrics carries every worker's series, a killed
 * worker is replaced while the other answers, `s2s server stop` leaves no process, a worker whose primary
 * died ends, a start-up failure is the workers' error, bad `--workers` values are refused.
 * No wall-clock limits: polls with generous bounds only. Every process started is stopped (or killed)
 * before its directory is removed, also when an assertion fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freshPostgresUrl } from '../fixtures/postgres.ts';
import { removeTree, runS2s, startServerNode, running } from '../fixtures/s2s-process.ts';

const OPS_TOKEN = randomBytes(24).toString('base64url');
/** Generous: cold worker processes on a loaded two-core machine. */
const POLL_BOUND_MS = 180_000;

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One GET on a connection of its own (node:cluster deals connections to the workers round-robin). */
function get(base: string, path: string, token?: string): Promise<Answer> {
  return send('GET', base, path, token ? { authorization: `Bearer ${token}` } : {});
}

/** One request on a connection of its own. */
function send(
  method: string,
  base: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      {
        method,
        agent: false,
        rejectUnauthorized: false,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

interface Readiness {
  readonly status: string;
  readonly worker?: { readonly id: number; readonly pid: number };
}

async function readyz(base: string): Promise<{ status: number; body: Readiness }> {
  const a = await get(base, '/readyz', OPS_TOKEN);
  return { status: a.status, body: JSON.parse(a.body) as Readiness };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() - start > POLL_BOUND_MS)
      throw new Error(`${what}: not seen within ${POLL_BOUND_MS} ms (last error: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Whether the process runs (a zombie does not). */
function parentOf(pid: number): number {
  const m = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1]);
}

/** Every running process whose environment names this S2S_HOME (the primary and its workers). */
function processesOf(home: string): number[] {
  const needle = `\0S2S_HOME=${home}\0`;
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (`\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`.includes(needle) && running(Number(name)))
        found.push(Number(name));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}

/** A fresh home; its processes are killed, then it is removed, when the test ends (registered after the node's stop). */
function cleanUpAfter(t: TestContext, home: string): void {
  t.after(() => {
    for (const pid of processesOf(home)) process.kill(pid, 'SIGKILL');
    removeTree(home);
  });
}

/** Asks fresh connections until every worker 1…n has answered; their pids by id. */
async function workersAnswering(base: string, n: number): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  return until(`answers from all ${n} workers`, async () => {
    const r = await readyz(base);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'ready');
    assert.ok(r.body.worker, 'the detailed /readyz names its worker');
    seen.set(r.body.worker.id, r.body.worker.pid);
    return seen.size === n ? seen : undefined;
  });
}

test('two workers on one port: each answers, /metrics has both, a killed worker is replaced, stop leaves nothing', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 's2s-workers-'));
  const node = startServerNode(
    t,
    ['--workers', '2', '--bootstrap', '--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0'],
    { S2S_HOME: home, S2S_OPS_TOKEN: OPS_TOKEN },
  );
  cleanUpAfter(t, home);
  const url = await node.ready;
  const primary = node.child.pid!;

  // The pid file names the primary: `s2s server status|stop` and `replication invoke` signal it.
  const record = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8')) as {
    pid: number;
    url: string;
    workers: number;
  };
  assert.deepEqual([record.pid, record.url, record.workers], [primary, url, 2]);
  const status = await runS2s(['--json', 'server', 'status'], { S2S_HOME: home });
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { workers: number }).workers, 2);

  const workers = await workersAnswering(url, 2);
  assert.deepEqual([...workers.keys()].sort(), [1, 2]);
  for (const pid of workers.values()) {
    assert.notEqual(pid, primary);
    assert.equal(parentOf(pid), primary, `worker ${pid} is a child of the primary`);
  }

  // Whichever worker answers /metrics, it carries the series of both, each labelled with its worker.
  const metrics = await get(url, '/metrics', OPS_TOKEN);
  assert.equal(metrics.status, 200, metrics.body);
  for (const id of [1, 2])
    assert.match(
      metrics.body,
      new RegExp(`^s2s_http_request_duration_seconds_count\\{[^}]*worker="${id}"`, 'm'),
    );
  assert.equal(
    metrics.body.split('\n').filter((l) => l.startsWith('# TYPE s2s_http_request_duration_seconds ')).length,
    1,
    'one family header for both workers',
  );

  // The management listener is shared too: served there, not on the partner-facing port.
  const adminApi = /"adminApiUrl":\s*"(https:\/\/[^"]+)"/.exec(node.output())?.[1];
  assert.ok(adminApi, node.output());
  assert.notEqual(new URL(adminApi).port, new URL(url).port);
  for (let i = 0; i < 4; i += 1)
    assert.equal((await get(adminApi, '/admin/api/v1/openapi.json')).status, 200);
  assert.equal((await get(url, '/admin/api/v1/openapi.json')).status, 404);

  // An unknown administrator name locks out after 5 failures, as a real one does, whichever workers the
  // attempts reach: the workers share those failures (docs/admin.md "Sign-in and lockout").
  const signIn = async () => {
    const a = await send(
      'POST',
      adminApi,
      '/admin/api/v1/session',
      {},
      { name: 'nobody', password: 'wrong-password-1' },
    );
    return `${a.status} ${(JSON.parse(a.body) as { code?: string }).code}`;
  };
  const attempts: string[] = [];
  for (let i = 0; i < 9; i += 1) attempts.push(await signIn());
  assert.deepEqual(attempts, [
    ...Array<string>(5).fill('401 ERR_ADMIN_SIGN_IN_FAILED'),
    ...Array<string>(4).fill('429 ERR_ADMIN_LOCKED'),
  ]);

  // A worker killed outright is replaced in its slot; the other one answers meanwhile.
  const victim = workers.get(2)!;
  process.kill(victim, 'SIGKILL');
  await until('the primary noticing the dead worker', async () =>
    node.output().includes('worker ended; replacing it') ? true : undefined,
  );
  const replacement = await until('a replacement for worker 2', async () => {
    const r = await readyz(url);
    assert.equal(r.status, 200, 'the server keeps answering while a worker is replaced');
    return r.body.worker?.id === 2 && r.body.worker.pid !== victim ? r.body.worker.pid : undefined;
  });
  assert.equal(running(victim), false);
  assert.equal(parentOf(replacement), primary);
  assert.match(node.output(), /"slot":2,"workerPid":\d+,"code":null,"signal":"SIGKILL"/);

  // `s2s server stop`: every worker stops, then the primary, which removes the pid file and exits 0.
  const stop = await runS2s(['--json', 'server', 'stop'], { S2S_HOME: home });
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal((JSON.parse(stop.stdout) as { pid: number }).pid, primary);
  assert.equal(await node.exited, 0, node.output());
  assert.equal(existsSync(join(home, 'server.json')), false, 'the pid file is gone');
  for (const pid of [workers.get(1)!, replacement]) assert.equal(running(pid), false, `worker ${pid} ended`);
  assert.deepEqual(processesOf(home), [], 'no process of this home is left');
});

test('a worker whose primary died ends (no orphans)', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 's2s-workers-orphan-'));
  const node = startServerNode(t, ['--workers', '2', '--bootstrap', '--listen', '127.0.0.1:0'], {
    S2S_HOME: home,
    S2S_OPS_TOKEN: OPS_TOKEN,
  });
  cleanUpAfter(t, home);
  const url = await node.ready;
  const workers = [...(await workersAnswering(url, 2)).values()];
  node.child.kill('SIGKILL');
  await node.exited;
  await until('the workers ending after their primary', async () =>
    workers.every((pid) => !running(pid)) ? true : undefined,
  );
  assert.deepEqual(processesOf(home), []);
});

test('a start-up that fails in the workers fails the start with their error, and leaves no process', async (t) => {
  // No certificate and no --bootstrap: every worker refuses to serve.
  const home = mkdtempSync(join(tmpdir(), 's2s-workers-fail-'));
  cleanUpAfter(t, home);
  const r = await runS2s(['server', 'start', '--workers', '2', '--listen', '127.0.0.1:0'], {
    S2S_HOME: home,
  });
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /^error ERR_SERVER_NO_CERTIFICATE: no certificate with a private key/m);
  assert.equal(r.stderr.match(/^error /gm)?.length, 1, 'one error line, from the primary');
  assert.equal(existsSync(join(home, 'server.json')), false);
  assert.deepEqual(processesOf(home), []);
});

test('--workers and S2S_WORKERS outside 1–64 are refused with ERR_SERVER_WORKERS', async () => {
  const home = join(tmpdir(), 's2s-workers-never-created');
  for (const [argv, env] of [
    [['--workers', '0'], {}],
    [['--workers', '65'], {}],
    [['--workers', 'two'], {}],
    [['--workers', '1.5'], {}],
    [[], { S2S_WORKERS: '-2' }],
  ] as const) {
    const r = await runS2s(['server', 'start', ...argv], { S2S_HOME: home, ...env });
    assert.equal(r.code, 2, `${argv.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`);
    assert.match(
      r.stderr,
      /^error ERR_SERVER_WORKERS: (--workers|S2S_WORKERS) must be a whole number from 1 to 64/,
    );
  }
  const json = await runS2s(['--json', 'server', 'start', '--workers', '100'], { S2S_HOME: home });
  assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'ERR_SERVER_WORKERS');
  assert.equal(existsSync(home), false, 'nothing was opened or created');
});

test('a pool node with two workers: `s2s replication invoke --rebuild` reaches both replicas', async (t) => {
  const store = await freshPostgresUrl(t);
  if (store === undefined) return;
  const home = mkdtempSync(join(tmpdir(), 's2s-workers-pool-'));
  const env = {
    S2S_HOME: home,
    S2S_STORE: store,
    S2S_MASTER_KEY: randomBytes(32).toString('hex'),
    S2S_NODE: 'fe01.contoso.com',
    S2S_LOG_LEVEL: 'info',
  };
  const node = startServerNode(t, ['--workers', '2', '--bootstrap', '--listen', '127.0.0.1:0'], env);
  cleanUpAfter(t, home);
  await node.ready;
  // At level info, log lines carrying a url come before the start line: the pid file says it is up.
  await until('the pid file', async () => (existsSync(join(home, 'server.json')) ? true : undefined));
  const r = await runS2s(['--json', 'replication', 'invoke', '--rebuild'], env);
  assert.equal(r.code, 0, r.stderr);
  const invoked = JSON.parse(r.stdout) as { via: string; pid: number; rebuilt: boolean };
  assert.deepEqual([invoked.via, invoked.pid, invoked.rebuilt], ['server', node.child.pid, true]);
  // Each worker rebuilt its own replica; the primary answered once for both.
  const lines = node
    .output()
    .split('\n')
    .filter((l) => l.includes('"msg":"replication invoke"'))
    .map((l) => JSON.parse(l) as { worker: number; rebuilt: boolean; error?: unknown });
  assert.deepEqual(lines.map((l) => l.worker).sort(), [0, 1, 2], node.output());
  assert.ok(
    lines.every((l) => l.rebuilt && l.error === undefined),
    JSON.stringify(lines),
  );
  assert.equal(await node.stop(), 0);
  assert.deepEqual(processesOf(home), []);
});
