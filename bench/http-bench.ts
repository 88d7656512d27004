/**
 * Authenticated storage GETs per second (issue 4 §5), every server in its own process: a plain
 * node:https server returning the same JSON (same certificate and chain, keep-alive, the same request
 * with the same 1.6 KB authorization header, which it ignores); the s2s server in one process; the s2s
 * server under node:cluster with 1 and with 2 workers. One-core cases are pinned to CPU 0 and the load
 * generator to CPU 1; the two-worker case and its load generator share both CPUs. Rounds interleave the
 * cases; each case reports its median rate, its CPU per request and the generator's CPU share.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import type { TestDeployment } from '../test/e2e/storage-deployment.ts';
import { CAN_PIN, LOAD_TOOL, pinned, runLoad } from './load-generator.ts';
import { median, startProcess, stopProcess } from './measure.ts';
import type { StartedProcess } from './measure.ts';
import { processTree, treeCpu } from './proc-cpu.ts';

/** Durations and sizes, each declared once with its unit. */
export const HTTP = { rounds: 4, seconds: 3, warmupSeconds: 1, connections: 32 } as const;

type CaseName = 'plain' | 's2s' | 's2sInfo' | 'cluster1' | 'cluster2';

interface RoundResult {
  readonly rps: number;
  readonly errors: number;
  /** Server CPU seconds per request, all its processes. */
  readonly cpuPerRequest: number;
  /** Load generator CPU seconds per wall second (1 = one full core). */
  readonly loadShare: number;
  /** Each server process's share of the server CPU (cluster: primary first). */
  readonly split: number[];
}

/** Per case: median rate, median CPU per request, median generator share, last round's split. */
export interface CaseSummary {
  readonly rps: number;
  /** The rate of each round, in round order (rounds interleave the cases). */
  readonly rounds: number[];
  readonly cpuPerRequestUs: number;
  readonly loadShare: number;
  readonly split: number[];
  readonly errors: number;
}

/** Everything the report shows about HTTP. */
export interface HttpResults {
  readonly cases: Record<CaseName, CaseSummary>;
  readonly tool: string;
  readonly pinned: boolean;
  /** Log level of every s2s case but s2sInfo (which logs at info, the server's default). */
  readonly logLevel: string;
  readonly bodyBytes: number;
}

interface Running {
  readonly name: CaseName;
  readonly process: StartedProcess;
  readonly port: number;
  readonly authorization: string;
  /** CPU for the load generator, when pinned. */
  readonly loadCpus: string | undefined;
}

/** Starts the four servers, runs interleaved rounds, stops them. */
export async function measureHttp(
  skype: TestDeployment,
  exchange: TestDeployment,
  itemPath: string,
  body: string,
  log: (line: string) => void,
): Promise<HttpResults> {
  const files = await writeServerFiles(exchange, body);
  const logLevel = process.env.S2S_BENCH_LOG_LEVEL ?? 'warn';
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const config = await exchange.deployment.services.oauth.get();
  await exchange.deployment.services.oauth.update({
    hostNames: [...config.hostNames, ...ports.map((p) => `127.0.0.1:${p}`)],
  });
  const token = async (port: number) =>
    `Bearer ${(await skype.deployment.services.tokens.issue({ partner: 'exchange', host: `127.0.0.1:${port}`, user: { sip: 'kenmyer@litwareinc.com' } })).token}`;
  const env = { ...process.env, ...exchange.env, S2S_HOME: exchange.home, S2S_LOG_LEVEL: logLevel };
  const tsx = (script: string, ...args: string[]) => [
    process.execPath,
    '--import',
    'tsx',
    join(import.meta.dirname, script),
    ...args,
  ];
  const s2sCmd = (workers: number, port: number) => tsx('cluster-server.ts', String(workers), String(port));
  // [case, command, environment, s2s port (the token's audience host), load generator CPU]
  const specs: Array<[CaseName, string[], NodeJS.ProcessEnv, number, string | undefined]> = [
    ['plain', pinned('0', tsx('plain-server.ts', files.tls, files.body)), process.env, ports[0], '1'],
    ['s2s', pinned('0', s2sCmd(0, ports[0])), env, ports[0], '1'],
    ['s2sInfo', pinned('0', s2sCmd(0, ports[3])), { ...env, S2S_LOG_LEVEL: 'info' }, ports[3], '1'],
    ['cluster1', pinned('0', s2sCmd(1, ports[1])), env, ports[1], '1'],
    ['cluster2', s2sCmd(2, ports[2]), env, ports[2], undefined],
  ];
  log(`HTTP: starting ${specs.map((x) => x[0]).join(', ')} (load: ${LOAD_TOOL}) …`);
  const started = await Promise.all(specs.map(([, command, e]) => startProcess(command, e)));
  const servers: Running[] = [];
  for (const [i, [name, , , port, loadCpus]] of specs.entries()) {
    const p = started[i]!;
    servers.push({ name, process: p, port: p.port ?? port, authorization: await token(port), loadCpus });
  }
  try {
    const bodyBytes = await checkSameAnswer(servers, itemPath, files.ca, body);
    for (const s of servers) await round(s, itemPath, files.ca, HTTP.warmupSeconds);
    const results = new Map<CaseName, RoundResult[]>(servers.map((s) => [s.name, []]));
    for (let r = 1; r <= HTTP.rounds; r++) {
      log(`HTTP: round ${r} of ${HTTP.rounds} (${servers.length} × ${HTTP.seconds} s) …`);
      for (const s of servers) results.get(s.name)!.push(await round(s, itemPath, files.ca, HTTP.seconds));
    }
    const cases = Object.fromEntries(
      [...results].map(([name, rounds]) => [name, summarize(rounds)]),
    ) as Record<CaseName, CaseSummary>;
    return { cases, tool: LOAD_TOOL, pinned: CAN_PIN, logLevel, bodyBytes };
  } finally {
    await Promise.all(servers.map((s) => stopProcess(s.process)));
  }
}

async function round(s: Running, path: string, caFile: string, seconds: number): Promise<RoundResult> {
  const pids = processTree(s.process.pid);
  const before = treeCpu(pids);
  const started = performance.now();
  const load = await runLoad({
    url: `https://127.0.0.1:${s.port}${path}`,
    seconds,
    connections: HTTP.connections,
    caFile,
    authorization: s.authorization,
    cpus: s.loadCpus,
  });
  const wall = (performance.now() - started) / 1000;
  const after = treeCpu(pids);
  const used = pids.map((p) => (after.get(p) ?? 0) - (before.get(p) ?? 0));
  const total = used.reduce((a, b) => a + b, 0);
  return {
    rps: load.requests / load.seconds,
    errors: load.errors,
    cpuPerRequest: total / Math.max(1, load.requests),
    loadShare: load.cpuSeconds / wall,
    split: used.filter((u) => u > 0.01).map((u) => u / total),
  };
}

function summarize(rounds: readonly RoundResult[]): CaseSummary {
  return {
    rps: median(rounds.map((r) => r.rps)),
    rounds: rounds.map((r) => r.rps),
    cpuPerRequestUs: median(rounds.map((r) => r.cpuPerRequest)) * 1e6,
    loadShare: median(rounds.map((r) => r.loadShare)),
    split: rounds[rounds.length - 1]!.split,
    errors: rounds.reduce((a, r) => a + r.errors, 0),
  };
}

/** Every server answers the request with status 200 and the same body bytes. */
async function checkSameAnswer(
  servers: Running[],
  path: string,
  caFile: string,
  body: string,
): Promise<number> {
  const { Agent } = await import('undici');
  const { readFileSync } = await import('node:fs');
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });
  try {
    for (const s of servers) {
      const res = await request(`https://127.0.0.1:${s.port}${path}`, {
        headers: { authorization: s.authorization },
        dispatcher,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text !== body)
        throw new Error(`${s.name} answered ${res.statusCode} with a different body`);
    }
  } finally {
    await dispatcher.close();
  }
  return Buffer.byteLength(body);
}

/** The TLS key + chain of the exchange server, the JSON body and the roots, as files for child processes. */
async function writeServerFiles(exchange: TestDeployment, body: string) {
  const d = exchange.deployment;
  const m = (await d.services.certificates.signingMaterial('WebServicesInternal', d.config.nodeName))
    .current!;
  const files = {
    tls: join(exchange.home, 'bench-tls.json'),
    body: join(exchange.home, 'bench-body.json'),
    ca: join(exchange.home, 'bench-ca.pem'),
  };
  writeFileSync(
    files.tls,
    JSON.stringify({
      key: m.privateKey!.export({ format: 'pem', type: 'pkcs8' }).toString(),
      cert: [m.certificateDer, ...m.chainDer].map((x) => pem(x.toString('base64'))).join(''),
    }),
    { mode: 0o600 },
  );
  writeFileSync(files.body, body);
  const roots = await d.store.list<{ certificate: string }>('trusted-root');
  writeFileSync(files.ca, roots.map((r) => pem(r.body.certificate)).join(''));
  return files;
}

function pem(b64: string): string {
  return `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
