/**
 * Micro-benchmark of the token hot paths against raw node:crypto on the same core (issue 4 §5):
 * - validation, cold (every token new, never served by the validated-token cache): raw sync
 *   `crypto.verify` of each token's actor signature vs the pure validator (`validateAuthorization`, sync)
 *   vs `TokenService.validate` (awaited, through the store and caches) vs `validateAsync` (verify on the
 *   libuv pool);
 * - issuance, cold (a new audience every time, so the issued-token cache never answers): raw
 *   `crypto.sign` vs `TokenService.issue`.
 * Tokens are generated before the timed loops; rounds are interleaved (raw, library, raw, …) so load from
 * other processes hits both sides alike; the median and best round ratios are printed.
 *
 * Usage: node --import tsx scripts/bench-validate.ts [--tokens 1000] [--rounds 7] [--kind act-as|app] [--wall]
 * Times are process CPU time by default (a shared machine); `--wall` for wall-clock time.
 */
import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  buildActorToken,
  formatAudience,
  formatPrincipalName,
  PRINCIPAL_IDS,
  validateAuthorization,
} from '../src/core/index.ts';
import type { ServiceDeps } from '../src/services/service-deps.ts';
import type { TokenService } from '../src/services/tokens/token-service.ts';
import { TrustContextSource } from '../src/services/tokens/trust-context-source.ts';
import { BENCH_REALM as REALM, startBenchDeployments } from '../bench/deployments.ts';
import type { TestDeployment } from '../test/e2e/storage-deployment.ts';

const { values: args } = parseArgs({
  options: {
    tokens: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '7' },
    kind: { type: 'string', default: 'act-as' },
    'issue-ops': { type: 'string', default: '150' },
    wall: { type: 'boolean', default: false },
  },
});
const TOKENS = Number(args.tokens);
const ROUNDS = Number(args.rounds);
const ISSUE_OPS = Number(args['issue-ops']);
const KIND = args.kind === 'app' ? 'app' : 'act-as';

interface Sample {
  readonly header: string;
  readonly url: string;
  readonly input: Buffer;
  readonly signature: Buffer;
}

/**
 * Operations per second of process CPU time (user + system, all threads): the machine is shared, and
 * wall time would count the moments another process held the core. `--wall` measures wall time instead.
 */
const WALL = process.argv.includes('--wall');
function elapsed(start: { cpu: NodeJS.CpuUsage; wall: bigint }): number {
  if (WALL) return Number(process.hrtime.bigint() - start.wall) / 1e9;
  const c = process.cpuUsage(start.cpu);
  return (c.user + c.system) / 1e6;
}
const started = () => ({ cpu: process.cpuUsage(), wall: process.hrtime.bigint() });

/** One timed pass over `items`; returns operations per second. */
function timeSync<T>(items: readonly T[], fn: (item: T) => unknown): number {
  const t0 = started();
  for (const item of items) fn(item);
  return items.length / elapsed(t0);
}

async function timeAsync<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<number> {
  const t0 = started();
  for (const item of items) await fn(item);
  return items.length / elapsed(t0);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Fresh tokens (each with its own signature), one array per round. */
async function freshTokens(
  deployments: [TestDeployment, TestDeployment],
  rounds: number,
  n: number,
): Promise<Sample[][]> {
  const [skype, exchange] = deployments;
  const issuer = skype.deployment.services.tokens;
  const host = `127.0.0.1:${exchange.server.port}`;
  const url = `https://${host}/storage/v1/folders`;
  const signer = (await skype.deployment.services.certificates.signingMaterial('OAuthTokenIssuer')).current!;
  const now = Date.now();
  const out: Sample[][] = [];
  let k = 0;
  for (let r = 0; r < rounds; r++) {
    const batch: Sample[] = [];
    for (let i = 0; i < n; i++, k++) {
      // act-as: a distinct user defeats the issuer cache; app-only: a distinct nbf (the issuer would cache
      // one token per audience, so these are built with the same core function it uses).
      let token: string;
      let actor: string;
      if (KIND === 'app') {
        token = actor = buildActorToken({
          audience: formatAudience(PRINCIPAL_IDS.exchange, host, REALM),
          issuer: formatPrincipalName(PRINCIPAL_IDS.lync, REALM),
          notBefore: new Date(now - k * 1000),
          expiresAt: new Date(now + 3600_000),
          signer: { x5t: signer.x5t, privateKey: signer.privateKey! },
        });
      } else {
        const issued = await issuer.issue({ partner: 'exchange', host, user: { sip: `user${k}@${REALM}` } });
        token = issued.token;
        actor = issued.actorToken;
      }
      const [h, p, s] = actor.split('.');
      batch.push({
        header: `Bearer ${token}`,
        url,
        input: Buffer.from(`${h}.${p}`),
        signature: Buffer.from(s!, 'base64url'),
      });
    }
    out.push(batch);
  }
  return out;
}

async function main(): Promise<void> {
  const { skype, exchange, close } = await startBenchDeployments();
  try {
    const issuer = skype.deployment.services.tokens;
    const validator = exchange.deployment.services.tokens;
    const publicKey = (await skype.deployment.services.certificates.signingMaterial('OAuthTokenIssuer'))
      .current!.publicKey;
    const privateKey = (await skype.deployment.services.certificates.signingMaterial('OAuthTokenIssuer'))
      .current!.privateKey!;
    process.stderr.write(`generating ${ROUNDS + 1} × ${TOKENS} fresh ${KIND} tokens …\n`);
    const [warm, ...batches] = await freshTokens([skype, exchange], ROUNDS + 1, TOKENS);
    const ctx = await trustContextOf(validator);
    const rawVerify = (s: Sample) => verify('sha256', s.input, publicKey, s.signature);
    const core = (s: Sample) => {
      const r = validateAuthorization(s.header, s.url, { ...ctx, now: new Date() });
      if (!r.outcome.ok) throw new Error(`refused: ${r.outcome.refusal.code}`);
    };
    const service = async (s: Sample) => {
      const o = await validator.validate({ authorization: s.header, requestUrl: s.url });
      if (!o.ok) throw new Error(`refused: ${o.refusal.code}`);
    };
    const serviceAsync = async (s: Sample) => {
      const o = await validator.validateAsync({ authorization: s.header, requestUrl: s.url });
      if (!o.ok) throw new Error(`refused: ${o.refusal.code}`);
    };
    const rawVerifyAsync = (s: Sample) =>
      new Promise<boolean>((res, rej) =>
        verify('sha256', s.input, publicKey, s.signature, (e, ok) => (e ? rej(e) : res(ok))),
      );
    // Warm-up: every path JIT-compiled before timing (the warm batch is then spent: tokens are never reused).
    for (const s of warm!) rawVerify(s);
    for (const s of warm!.slice(0, TOKENS / 4)) core(s);
    for (const s of warm!.slice(TOKENS / 4, TOKENS / 2)) await service(s);
    for (const s of warm!.slice(TOKENS / 2)) await serviceAsync(s);
    const rows = {
      raw: [] as number[],
      core: [] as number[],
      service: [] as number[],
      rawAsync: [] as number[],
      async: [] as number[],
    };
    const ratios = { core: [] as number[], service: [] as number[], async: [] as number[] };
    for (const batch of batches) {
      // Each library pass gets its own fresh tokens: split the round's batch in three.
      const third = Math.floor(batch.length / 3);
      const [a, b, c] = [
        batch.slice(0, third),
        batch.slice(third, 2 * third),
        batch.slice(2 * third, 3 * third),
      ];
      const raw1 = timeSync(a, rawVerify);
      const coreOps = timeSync(a, core);
      const raw2 = timeSync(b, rawVerify);
      const serviceOps = await timeAsync(b, service);
      const rawA = await timeAsync(c, rawVerifyAsync);
      const asyncOps = await timeAsync(c, serviceAsync);
      rows.raw.push(raw1, raw2);
      rows.core.push(coreOps);
      rows.service.push(serviceOps);
      rows.rawAsync.push(rawA);
      rows.async.push(asyncOps);
      ratios.core.push(coreOps / raw1);
      ratios.service.push(serviceOps / raw2);
      ratios.async.push(asyncOps / rawA);
    }
    const issue = await issuance(issuer, privateKey, batches[0]![0]!.input);
    report(rows, ratios, issue);
  } finally {
    await close();
  }
}

/** The validator's trust context, as TokenService builds it (for timing the pure core). */
async function trustContextOf(validator: TokenService) {
  const deps = (validator as unknown as { deps: ServiceDeps }).deps;
  return (await new TrustContextSource(deps).snapshot()).base;
}

async function issuance(issuer: TokenService, privateKey: KeyObject, input: Buffer) {
  const raw: number[] = [];
  const lib: number[] = [];
  const ratios: number[] = [];
  let n = 0;
  const items = Array.from({ length: ISSUE_OPS }, (_, i) => i);
  for (let i = 0; i < 20; i++) await issuer.issue({ partner: 'exchange', host: `warm${i}.litwareinc.com` });
  for (let r = 0; r < 5; r++) {
    const rawOps = timeSync(items, () => sign('sha256', input, privateKey));
    const libOps = await timeAsync(items, () =>
      issuer.issue({ partner: 'exchange', host: `h${n++}.litwareinc.com` }),
    );
    raw.push(rawOps);
    lib.push(libOps);
    ratios.push(libOps / rawOps);
  }
  return { raw, lib, ratios };
}

function report(
  rows: Record<'raw' | 'core' | 'service' | 'rawAsync' | 'async', number[]>,
  ratios: Record<'core' | 'service' | 'async', number[]>,
  issue: { raw: number[]; lib: number[]; ratios: number[] },
): void {
  const f = (x: number) => Math.round(x).toLocaleString('en-US').padStart(9);
  const r = (xs: number[]) => `median ${median(xs).toFixed(2)}×  best ${Math.max(...xs).toFixed(2)}×`;
  const lines = [
    `node ${process.version}, ${TOKENS} tokens × ${ROUNDS} rounds (${KIND}), ${ISSUE_OPS} issues × 5 rounds, ${WALL ? 'wall' : 'CPU'} time`,
    `raw crypto.verify (sync)                 ${f(median(rows.raw))} ops/s`,
    `validateAuthorization (core, sync)       ${f(median(rows.core))} ops/s   ${r(ratios.core)}`,
    `TokenService.validate (awaited, sync RSA) ${f(median(rows.service))} ops/s   ${r(ratios.service)}`,
    `raw crypto.verify (callback, threadpool) ${f(median(rows.rawAsync))} ops/s`,
    `TokenService.validateAsync (threadpool)  ${f(median(rows.async))} ops/s   ${r(ratios.async)}`,
    `raw crypto.sign (sync)                   ${f(median(issue.raw))} ops/s`,
    `TokenService.issue, cold (cache off)     ${f(median(issue.lib))} ops/s   ${r(issue.ratios)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
