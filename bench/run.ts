/**
 * `npm run bench` (issue 4 §5; docs/server.md "Performance"): token issuance (cold and cached) vs raw
 * RS256 sign, validation (cold, every token new) vs raw verify in the same mode, authenticated storage
 * GETs/s vs a plain node:https server, the server on two cores vs one, and the replication latency of a
 * three-node pool (issue 6). Prints a table with ratios and writes BENCHMARKS.md; never fails on speed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRINCIPAL_IDS } from '../src/core/index.ts';
import { startTestDeployment, trustRootsOf } from '../test/e2e/storage-deployment.ts';
import type { TestDeployment } from '../test/e2e/storage-deployment.ts';
import { measureHttp } from './http-bench.ts';
import type { CaseSummary, HttpResults } from './http-bench.ts';
import { median } from './measure.ts';
import { measureReplicationLatency } from './replication-latency.ts';
import { currentLoad, renderReport } from './report.ts';
import type { BenchReport, BenchRow } from './report.ts';
import { tokenRows } from './token-bench.ts';
import { verdictNotes } from './verdicts.ts';

const REALM = 'litwareinc.com';
const KEN = 'kenmyer@litwareinc.com';

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = currentLoad();
  log('setting up two deployments (skype → exchange) on 127.0.0.1 …');
  const [skype, exchange] = await Promise.all([
    startTestDeployment('skype', { realm: REALM, serviceName: PRINCIPAL_IDS.lync }),
    startTestDeployment('exchange', { realm: REALM, serviceName: PRINCIPAL_IDS.exchange }),
  ]);
  try {
    await wire(skype, exchange);
    const tokens = await tokenRows(skype, exchange, KEN, log);
    const http = await httpMeasurements(skype, exchange);
    log('replication latency (PostgreSQL, three nodes) …');
    const replication = await measureReplicationLatency().catch(
      (err: unknown) =>
        `PostgreSQL unavailable (${(err as { code?: string }).code ?? (err as Error).message})`,
    );
    const rows: BenchRow[] = [...tokens, ...httpRows(http)];
    const report: BenchReport = {
      rows,
      http,
      replication,
      command: 'npm run bench',
      seconds: Math.round((Date.now() - started) / 1000),
      loadAtStart,
      notes: verdictNotes(rows, http),
    };
    const { table, markdown } = renderReport(report);
    writeFileSync(join(import.meta.dirname, '..', 'BENCHMARKS.md'), markdown);
    process.stdout.write(`\n${table}\nwrote BENCHMARKS.md\n`);
  } finally {
    await Promise.all([skype.close(), exchange.close()]);
  }
}

async function wire(skype: TestDeployment, exchange: TestDeployment): Promise<void> {
  await trustRootsOf(skype, exchange);
  await trustRootsOf(exchange, skype);
  await skype.deployment.services.partners.create({
    identity: 'exchange',
    metadataUrl: exchange.metadataUrl,
    trustLevel: 'Full',
  });
  await exchange.deployment.services.partners.create({
    identity: 'skype',
    metadataUrl: skype.metadataUrl,
    trustLevel: 'Full',
  });
  await exchange.deployment.services.storage.addUser({ sip: KEN, smtp: KEN, upn: KEN });
}

async function httpMeasurements(skype: TestDeployment, exchange: TestDeployment): Promise<HttpResults> {
  const item = await exchange.deployment.services.storage.createItem(
    KEN,
    'Inbox',
    { subject: 'bench', body: 'x'.repeat(200) },
    'bench',
  );
  const path = `/storage/v1/users/${KEN}/folders/Inbox/items/${item.id}`;
  return measureHttp(skype, exchange, path, JSON.stringify(item), log);
}

function httpRows(http: HttpResults): BenchRow[] {
  const { plain, s2s, s2sInfo, cluster1, cluster2 } = http.cases;
  return [
    {
      name: `authenticated storage GET, s2s on 1 core, log level ${http.logLevel} (req/s)`,
      value: s2s.rps,
      baselineName: 'plain node:https, same JSON, same core (req/s)',
      baseline: plain.rps,
      ...roundRatios(s2s, plain),
      target: 0.7,
    },
    {
      name: 'the same, log level info: one access line per request (req/s)',
      value: s2sInfo.rps,
      baselineName: 'plain node:https, same JSON, same core (req/s)',
      baseline: plain.rps,
      ...roundRatios(s2sInfo, plain),
      target: null,
    },
    {
      name: 's2s under node:cluster, 1 worker (req/s)',
      value: cluster1.rps,
      baselineName: 's2s in one process, no cluster (req/s)',
      baseline: s2s.rps,
      ...roundRatios(cluster1, s2s),
      target: null,
    },
    {
      name: 's2s under node:cluster, 2 workers on 2 cores (req/s)',
      value: cluster2.rps,
      baselineName: 's2s under node:cluster, 1 worker on 1 core (req/s)',
      baseline: cluster1.rps,
      ...roundRatios(cluster2, cluster1),
      target: 1.7,
    },
  ];
}

/** The median and the range of the ratios of the same round's rates (rounds interleave the cases). */
function roundRatios(a: CaseSummary, b: CaseSummary): { ratio: number; spread: [number, number] } {
  const ratios = a.rounds.map((x, i) => x / b.rounds[i]!);
  return { ratio: median(ratios), spread: [Math.min(...ratios), Math.max(...ratios)] };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

await main();
