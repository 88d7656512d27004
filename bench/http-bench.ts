/**
 * HTTP rows (docs/server.md "Performance"), every server in its own process: a plain node:https server
 * returning the same JSON (same certificate and chain, keep-alive, the same request with the same 1.6 KB
 * authorization header, which it ignores) and the hello answer on the hello path; the s2s server in one
 * process (the authenticated storage GET of an item, and the authenticated hello: authentication alone);
 * the same at log level info; `s2s server start --workers 1` and `--workers 2` as an operator runs it
 * (bin/s2s.mjs, the compiled build: docs/server.md "Workers"). One-core cases are pinned to CPU 0 and
 * the load generator to CPU 1; the two-worker case and its load generator share
 * both CPUs. Each case runs at 32 and at 50 connections. Rounds interleave the cases; each case reports
 * its median rate, its server CPU per request (the stable figure on a shared machine), the generator's
 * CPU share, and each server's peak RSS (VmHWM) once all rounds are done.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import type { TestDeployment } from '../test/e2e/storage-deployment.ts';
import { HELLO_BODY, HELLO_PATH } from './hello.ts';
import { CAN_PIN, LOAD_TOOL, pinned, runLoad } from './load-generator.ts';
import { median, startProcess, stopProcess } from './measure.ts';
import type { StartedProcess } from './measure.ts';
import { peakRssBytes, processTree, treeCpu } from './proc-cpu.ts';
import { freePort } from './ports.ts';
import { compiled } from './compile.ts';

/** Durations and sizes, each declared once with its unit. */
export const HTTP = { rounds: 4, seconds: 3, warmupSeconds: 1, connections: [32, 50] } as const;

/** The server processes. */
export type ServerName = 'plain' | 's2s' | 's2sInfo' | 'workers1' | 'workers2';
/** What is requested. */
export type Target = 'item' | 'hello';

interface RoundResult {
  readonly rps: number;
  readonly errors: number;
  /** Server CPU seconds per request, all its processes. */
  readonly cpuPerRequest: number;
  /** Load generator CPU seconds per wall second (1 = one full core). */
  readonly loadShare: number;
  /** Each server process's share of the server CPU (cluster: primary first). */
  readonly split: number[];
  /** Server CPU seconds per wall second, all its processes (2 = both cores busy). */
  readonly serverCores: number;
}

/** Per case: median rate, median CPU per request, median generator share, last round's split. */
export interface CaseSummary {
  readonly server: ServerName;
  readonly target: Target;
  readonly connections: number;
  readonly rps: number;
  /** The rate of each round, in round order (rounds interleave the cases). */
  readonly rounds: number[];
  /** Server CPU seconds per request of each round, in round order. */
  readonly cpuRounds: number[];
  readonly cpuPerRequestUs: number;
  readonly loadShare: number;
  readonly serverCores: number;
  readonly split: number[];
  readonly errors: number;
}

/** Everything the report shows about HTTP. */
export interface HttpResults {
  /** Keyed `${server}/${target}/${connections}`. */
  readonly cases: Record<string, CaseSummary>;
  /** Peak RSS (VmHWM, bytes) of each server after all rounds: the largest process of its tree. */
  readonly peakRss: Record<ServerName, number>;
  readonly tool: string;
  readonly pinned: boolean;
  /** Log level of every s2s case but s2sInfo (which logs at info, the server's default). */
  readonly logLevel: string;
  readonly bodyBytes: number;
}

/** The key of a case in HttpResults.cases. */
export function caseKey(server: ServerName, target: Target, connections: number): string {
  return `${server}/${target}/${connections}`;
}

interface Running {
  readonly name: ServerName;
  readonly process: StartedProcess;
  readonly port: number;
  readonly authorization: string;
  /** CPU for the load generator, when pinned. */
  readonly loadCpus: string | undefined;
}

interface Case {
  readonly server: Running;
  readonly target: Target;
  readonly connections: number;
}

/** How the bench starts an s2s server process (also used for the profiles). */
export interface ServerCommands {
  s2s(port: number, nodeOptions?: readonly string[]): string[];
  env: NodeJS.ProcessEnv;
  token(port: number): Promise<string>;
  caFile: string;
}

/** Writes the files the server processes need and returns how to start an s2s server. */
export async function serverCommands(
  skype: TestDeployment,
  exchange: TestDeployment,
  body: string,
): Promise<ServerCommands & { files: { tls: string; body: string; ca: string }; plain: string }> {
  const files = await writeServerFiles(exchange, body);
  const [s2sServer, plain] = await Promise.all([compiled('s2s-server.ts'), compiled('plain-server.ts')]);
  const logLevel = process.env.S2S_BENCH_LOG_LEVEL ?? 'warn';
  const env = { ...process.env, ...exchange.env, S2S_HOME: exchange.home, S2S_LOG_LEVEL: logLevel };
  const token = async (port: number) => {
    const config = await exchange.deployment.services.oauth.get();
    const host = `127.0.0.1:${port}`;
    if (!config.hostNames.includes(host))
      await exchange.deployment.services.oauth.update({ hostNames: [...config.hostNames, host] });
    const issued = await skype.deployment.services.tokens.issue({
      partner: 'exchange',
      host,
      user: { sip: 'kenmyer@litwareinc.com' },
    });
    return `Bearer ${issued.token}`;
  };
  return {
    files,
    env,
    token,
    caFile: files.ca,
    plain,
    s2s: (port, nodeOptions = []) => [process.execPath, ...nodeOptions, s2sServer, String(port)],
  };
}

const BIN = join(import.meta.dirname, '..', 'bin', 's2s.mjs');

/** `s2s server start --workers n` on 127.0.0.1:port, as an operator starts it (the compiled build). */
function serverStart(workers: number, port: number): string[] {
  return [
    process.execPath,
    BIN,
    'server',
    'start',
    '--json',
    '--workers',
    String(workers),
    '--listen',
    `127.0.0.1:${port}`,
  ];
}

/** Starts the servers, runs interleaved rounds, stops them. */
export async function measureHttp(
  skype: TestDeployment,
  exchange: TestDeployment,
  itemPath: string,
  body: string,
  log: (line: string) => void,
): Promise<HttpResults> {
  const commands = await serverCommands(skype, exchange, body);
  const { files, env } = commands;
  const logLevel = env.S2S_LOG_LEVEL!;
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  // [server, command, environment, s2s port (the token's audience host), load generator CPU]
  const specs: Array<[ServerName, string[], NodeJS.ProcessEnv, number, string | undefined]> = [
    [
      'plain',
      pinned('0', [process.execPath, commands.plain, files.tls, files.body]),
      process.env,
      ports[0],
      '1',
    ],
    ['s2s', pinned('0', commands.s2s(ports[0])), env, ports[0], '1'],
    ['s2sInfo', pinned('0', commands.s2s(ports[3])), { ...env, S2S_LOG_LEVEL: 'info' }, ports[3], '1'],
    ['workers1', pinned('0', serverStart(1, ports[1])), env, ports[1], '1'],
    ['workers2', serverStart(2, ports[2]), env, ports[2], undefined],
  ];
  log(`HTTP: starting ${specs.map((x) => x[0]).join(', ')} (load: ${LOAD_TOOL}) …`);
  // `s2s server start --json` prints its start line once every worker listens.
  const started = await Promise.all(
    specs.map(([name, command, e]) =>
      startProcess(command, e, name.startsWith('workers') ? /"url":/ : undefined),
    ),
  );
  const servers: Running[] = [];
  for (const [i, [name, , , port, loadCpus]] of specs.entries()) {
    const p = started[i]!;
    servers.push({
      name,
      process: p,
      port: p.port ?? port,
      authorization: await commands.token(port),
      loadCpus,
    });
  }
  const by = (name: ServerName) => servers.find((s) => s.name === name)!;
  const cases: Case[] = [];
  for (const connections of HTTP.connections) {
    cases.push(
      { server: by('plain'), target: 'item', connections },
      { server: by('s2s'), target: 'item', connections },
      { server: by('plain'), target: 'hello', connections },
      { server: by('s2s'), target: 'hello', connections },
      { server: by('s2sInfo'), target: 'item', connections },
      { server: by('workers1'), target: 'item', connections },
      { server: by('workers2'), target: 'item', connections },
    );
  }
  const pathOf = (t: Target) => (t === 'hello' ? HELLO_PATH : itemPath);
  try {
    const bodyBytes = await checkSameAnswer(servers, itemPath, files.ca, body);
    // The hello route is the bench's own (bench/s2s-server.ts): `s2s server start` has none.
    await checkSameAnswer(
      servers.filter((s) => !s.name.startsWith('workers')),
      HELLO_PATH,
      files.ca,
      HELLO_BODY,
    );
    for (const s of servers) await round(s, itemPath, HTTP.connections[0], files.ca, HTTP.warmupSeconds);
    const results = new Map<Case, RoundResult[]>(cases.map((c) => [c, []]));
    for (let r = 1; r <= HTTP.rounds; r++) {
      log(`HTTP: round ${r} of ${HTTP.rounds} (${cases.length} × ${HTTP.seconds} s) …`);
      for (const c of cases) {
        results.get(c)!.push(await round(c.server, pathOf(c.target), c.connections, files.ca, HTTP.seconds));
      }
    }
    const summaries = Object.fromEntries(
      [...results].map(([c, rounds]) => [
        caseKey(c.server.name, c.target, c.connections),
        summarize(c, rounds),
      ]),
    );
    const peakRss = Object.fromEntries(
      servers.map((s) => [s.name, Math.max(...processTree(s.process.pid).map((p) => peakRssBytes(p) ?? 0))]),
    ) as Record<ServerName, number>;
    return { cases: summaries, peakRss, tool: LOAD_TOOL, pinned: CAN_PIN, logLevel, bodyBytes };
  } finally {
    await Promise.all(servers.map((s) => stopProcess(s.process)));
  }
}

/** One load run against a server, with its CPU use. */
export async function round(
  s: { process: { pid: number }; port: number; authorization: string; loadCpus: string | undefined },
  path: string,
  connections: number,
  caFile: string,
  seconds: number,
): Promise<RoundResult> {
  const pids = processTree(s.process.pid);
  const before = treeCpu(pids);
  const started = performance.now();
  const load = await runLoad({
    url: `https://127.0.0.1:${s.port}${path}`,
    seconds,
    connections,
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
    serverCores: total / wall,
  };
}

function summarize(c: Case, rounds: readonly RoundResult[]): CaseSummary {
  return {
    server: c.server.name,
    target: c.target,
    connections: c.connections,
    rps: median(rounds.map((r) => r.rps)),
    rounds: rounds.map((r) => r.rps),
    cpuRounds: rounds.map((r) => r.cpuPerRequest),
    cpuPerRequestUs: median(rounds.map((r) => r.cpuPerRequest)) * 1e6,
    loadShare: median(rounds.map((r) => r.loadShare)),
    serverCores: median(rounds.map((r) => r.serverCores)),
    split: rounds[rounds.length - 1]!.split,
    errors: rounds.reduce((a, r) => a + r.errors, 0),
  };
}

/** Every server answers the request with status 200 and the same body bytes. */
async function checkSameAnswer(
  servers: readonly Running[],
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
