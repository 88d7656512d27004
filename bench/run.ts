/**
 * `npm run bench` (issue 4 §5): token issuance (cold and cached) vs raw RS256 sign, validation (cold,
 * every token new) vs raw verify, authenticated storage requests/s vs a plain node:https server, and the
 * server on two cores vs one. Prints a table with ratios and writes BENCHMARKS.md. Reports against the
 * targets; never fails on speed.
 */
import { sign, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRINCIPAL_IDS } from '../src/core/index.ts';
import { startTestDeployment, trustRootsOf } from '../test/e2e/storage-deployment.ts';
import type { TestDeployment } from '../test/e2e/storage-deployment.ts';
import { opsOver, opsPerSecond, runScript, startScript, stopScript } from './measure.ts';
import { startPlainServer } from './plain-server.ts';
import { writeReport } from './report.ts';
import type { BenchRow } from './report.ts';

/** Durations, each declared once with its unit. */
const BENCH = { cpuMs: 2_000, validationTokens: 2_000, loadSeconds: 5, connections: 32 } as const;
const REALM = 'litwareinc.com';
const KEN = 'kenmyer@litwareinc.com';

async function main(): Promise<void> {
  const started = Date.now();
  log('setting up two deployments (skype → exchange) on 127.0.0.1 …');
  const [skype, exchange] = await Promise.all([
    startTestDeployment('skype', { realm: REALM, serviceName: PRINCIPAL_IDS.lync }),
    startTestDeployment('exchange', { realm: REALM, serviceName: PRINCIPAL_IDS.exchange }),
  ]);
  try {
    await wire(skype, exchange);
    const rows = [...(await tokenRows(skype, exchange)), ...(await httpRows(skype, exchange))];
    const report = writeReport(rows, `npm run bench`, Math.round((Date.now() - started) / 1000));
    writeFileSync(join(import.meta.dirname, '..', 'BENCHMARKS.md'), report.markdown);
    process.stdout.write(`\n${report.table}\nwrote BENCHMARKS.md\n`);
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

async function tokenRows(skype: TestDeployment, exchange: TestDeployment): Promise<BenchRow[]> {
  const tokens = skype.deployment.services.tokens;
  const host = `127.0.0.1:${exchange.server.port}`;
  const key = (await skype.deployment.services.certificates.signingMaterial('OAuthTokenIssuer')).current!;
  const sample = await tokens.issue({ partner: 'exchange', host, user: { sip: KEN } });
  const [h, p, s] = sample.actorToken.split('.');
  const input = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s!, 'base64url');
  log('issuance: raw sign, cold, cached …');
  const rawSign = await opsPerSecond(BENCH.cpuMs, () => sign('sha256', input, key.privateKey!));
  const cold = await opsPerSecond(BENCH.cpuMs, (i) =>
    tokens.issue({ partner: 'exchange', host: `h${i}.litwareinc.com`, user: { sip: KEN } }),
  );
  const cached = await opsPerSecond(BENCH.cpuMs, () =>
    tokens.issue({ partner: 'exchange', host, user: { sip: KEN } }),
  );
  log(`validation: issuing ${BENCH.validationTokens} distinct tokens …`);
  const fresh: string[] = [];
  for (let i = 0; i < BENCH.validationTokens; i++)
    fresh.push((await tokens.issue({ partner: 'exchange', host, user: { sip: `user${i}@${REALM}` } })).token);
  const url = `https://${host}/storage/v1/folders`;
  const validator = exchange.deployment.services.tokens;
  await validator.validate({ authorization: `Bearer ${sample.token}`, requestUrl: url });
  const rawVerify = await opsOver(fresh, () => verify('sha256', input, key.publicKey, signature));
  const validation = await opsOver(fresh, async (t) => {
    const outcome = await validator.validate({ authorization: `Bearer ${t}`, requestUrl: url });
    if (!outcome.ok) throw new Error(`validation refused: ${outcome.refusal.code}`);
  });
  return [
    {
      name: 'token issuance, cold (new audience each time)',
      value: cold,
      baselineName: 'raw RS256 sign (node:crypto)',
      baseline: rawSign,
      target: 0.9,
    },
    {
      name: 'token issuance, cached',
      value: cached,
      baselineName: 'raw RS256 sign (node:crypto)',
      baseline: rawSign,
      target: null,
    },
    {
      name: 'token validation, cold (every token new)',
      value: validation,
      baselineName: 'raw RS256 verify (node:crypto)',
      baseline: rawVerify,
      target: 0.9,
    },
  ];
}

async function httpRows(skype: TestDeployment, exchange: TestDeployment): Promise<BenchRow[]> {
  const caFile = join(exchange.home, 'bench-ca.pem');
  writeFileSync(
    caFile,
    (await exchange.deployment.store.list<{ certificate: string }>('trusted-root'))
      .map((d) => pem(d.body.certificate))
      .join(''),
  );
  const item = await exchange.deployment.services.storage.createItem(
    KEN,
    'Inbox',
    { subject: 'bench', body: 'x'.repeat(200) },
    'bench',
  );
  const path = `/storage/v1/users/${KEN}/folders/Inbox/items/${item.id}`;
  const auth = async (port: number) =>
    `Bearer ${(await skype.deployment.services.tokens.issue({ partner: 'exchange', host: `127.0.0.1:${port}`, user: { sip: KEN } })).token}`;
  const load = (port: number, authorization?: string) =>
    runScript<{ requests: number; errors: number; seconds: number }>(join(import.meta.dirname, 'load.ts'), [
      `https://127.0.0.1:${port}${path}`,
      String(BENCH.loadSeconds),
      String(BENCH.connections),
      caFile,
      ...(authorization ? [authorization] : []),
    ]);
  const rate = (r: { requests: number; errors: number; seconds: number }) => {
    if (r.errors > 0) log(`  ${r.errors} errors`);
    return r.requests / r.seconds;
  };
  log('HTTP: authenticated storage GET on one core …');
  const s2s = rate(await load(exchange.server.port, await auth(exchange.server.port)));
  log('HTTP: plain node:https server with the same JSON …');
  const tls = (await exchange.deployment.store.list('certificate')).length > 0 ? await tlsOf(exchange) : null;
  const plain = await startPlainServer(tls!, JSON.stringify(item));
  const plainRate = rate(await load(plain.port));
  plain.server.close();
  const cores = await clusterRates(exchange, load, auth);
  return [
    {
      name: 'authenticated storage GET, 1 core (req/s)',
      value: s2s,
      baselineName: 'plain node:https, same JSON (req/s)',
      baseline: plainRate,
      target: 0.7,
    },
    {
      name: 's2s server on 2 cores, cluster (req/s)',
      value: cores.two,
      baselineName: 's2s server on 1 core, cluster (req/s)',
      baseline: cores.one,
      target: 1.7,
    },
  ];
}

async function clusterRates(
  exchange: TestDeployment,
  load: (port: number, a?: string) => Promise<{ requests: number; errors: number; seconds: number }>,
  auth: (port: number) => Promise<string>,
) {
  const rates: number[] = [];
  for (const workers of [1, 2]) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const config = await exchange.deployment.services.oauth.get();
    await exchange.deployment.services.oauth.update({
      hostNames: [...config.hostNames, `127.0.0.1:${port}`],
    });
    log(`HTTP: cluster with ${workers} worker(s) …`);
    const child = await startScript(
      join(import.meta.dirname, 'cluster-server.ts'),
      [String(workers), String(port)],
      { ...process.env, ...exchange.env, S2S_HOME: exchange.home },
    );
    try {
      const r = await load(port, await auth(port));
      rates.push(r.requests / r.seconds);
    } finally {
      await stopScript(child);
    }
  }
  return { one: rates[0]!, two: rates[1]! };
}

async function tlsOf(d: TestDeployment): Promise<{ key: string; cert: string }> {
  const m = await d.deployment.services.certificates.signingMaterial(
    'WebServicesInternal',
    d.deployment.config.nodeName,
  );
  const c = m.current!;
  return {
    key: c.privateKey!.export({ format: 'pem', type: 'pkcs8' }).toString(),
    cert: [c.certificateDer, ...c.chainDer].map((x) => pem(x.toString('base64'))).join(''),
  };
}

function pem(b64: string): string {
  return `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

await main();
