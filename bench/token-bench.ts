/**
 * Token issuance and validation against raw node:crypto in the same process (issue 4 §5), in CPU time
 * and interleaved rounds (bench/measure.ts). Same mode against same mode: the synchronous validator
 * against synchronous `crypto.verify`; the thread-pool validator (`validateAsync`) against the
 * callback `crypto.verify`, reported beside it, never instead of it.
 */
import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { TestDeployment } from '../test/e2e/storage-deployment.ts';
import { cpuOpsPerSecond, cpuOpsPerSecondSync, median } from './measure.ts';
import type { BenchRow } from './report.ts';
import { profileInProcess } from './profile.ts';
import type { ProfileSummary } from './profile.ts';

/**
 * Sizes, each declared once. The warm-up batches are large: in the first ~1000 validations V8's
 * optimizing compiler runs on its own threads and a validation costs nearly twice its steady-state CPU
 * (measured with /proc/self/task: 75 µs per act-as token over the first 1000, 42 µs after, the main
 * thread's share 53% then 76%); a server validates continuously, so the rows measure the steady state.
 */
const TOKENS = {
  rounds: 5,
  perRound: 600,
  warmup: 2000,
  issuesPerRound: 200,
  /** A cached issuance costs microseconds: rounds of 200 would last a millisecond, too short to time. */
  cachedPerRound: 20_000,
  profiled: 3000,
} as const;

/** Tokens in batch `r` of the (rounds + 1) × 2 + 1 batches: two warm-up batches, the rounds, the profiled one. */
function batchSize(r: number): number {
  if (r === (TOKENS.rounds + 1) * 2) return TOKENS.profiled;
  return r < 2 ? TOKENS.warmup : TOKENS.perRound;
}

/** The token rows and, for the misses, a profile of the same work on tokens not used before. */
export interface TokenResults {
  readonly rows: BenchRow[];
  /** Profiles the row named (validation app-only / act-as, cold issuance) in this process. */
  profile(name: 'app-only' | 'act-as' | 'issuance'): Promise<ProfileSummary>;
}

/**
 * The header as a server's HTTP parser hands it over: one flat string read from the request bytes. A
 * template literal makes a rope (a V8 cons string) that the first character read flattens — a copy of
 * the whole header a real request never pays (it showed as 14% of a cold act-as validation).
 */
function asHeader(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

function range(xs: readonly number[]): [number, number] {
  return [Math.min(...xs), Math.max(...xs)];
}

interface Sample {
  readonly authorization: string;
  readonly input: Buffer;
  readonly signature: Buffer;
}

/** Issuance rows (cold and cached) and validation rows (sync, and the thread pool beside it). */
export async function tokenRows(
  skype: TestDeployment,
  exchange: TestDeployment,
  user: string,
  log: (line: string) => void,
): Promise<TokenResults> {
  const issuer = skype.deployment.services.tokens;
  const host = `127.0.0.1:${exchange.server.port}`;
  const url = `https://${host}/storage/v1/folders`;
  const key = (await skype.deployment.services.certificates.signingMaterial('OAuthTokenIssuer')).current!;
  log(`tokens: issuing ${2 * TOKENS.warmup + TOKENS.rounds * 2 * TOKENS.perRound} distinct act-as tokens …`);
  const batches: Sample[][] = [];
  for (let r = 0, k = 0; r < (TOKENS.rounds + 1) * 2 + 1; r++) {
    const batch: Sample[] = [];
    const size = batchSize(r);
    for (let i = 0; i < size; i++, k++) {
      const t = await issuer.issue({ partner: 'exchange', host, user: { sip: `user${k}@litwareinc.com` } });
      const [h, p, s] = t.actorToken.split('.');
      batch.push({
        authorization: asHeader(`Bearer ${t.token}`),
        input: Buffer.from(`${h}.${p}`),
        signature: Buffer.from(s!, 'base64url'),
      });
    }
    batches.push(batch);
  }
  log('tokens: app-only tokens (the actor alone), each new …');
  const appOnly = await appOnlyBatches(skype, key.privateKey!, host);
  const profiledActAs = batches.pop()!;
  const profiledAppOnly = appOnly.pop()!;
  log('tokens: issuance and validation, interleaved rounds …');
  const issue = await issuance(skype, key.privateKey!, batches[0]![0]!.input, user);
  const validation = await validationRounds(exchange, key.publicKey, batches, url);
  const appValidation = await validationRounds(exchange, key.publicKey, appOnly, url);
  const us = (opsPerSecond: number) => 1e6 / opsPerSecond;
  const cpuRow = (
    name: string,
    lib: number[],
    baselineName: string,
    raw: number[],
    ratios: number[],
    target: number | null,
  ): BenchRow => ({
    name,
    value: us(median(lib)),
    baselineName,
    baseline: us(median(raw)),
    ratio: median(ratios),
    spread: range(ratios),
    target,
  });
  const cachedTarget = 200_000;
  const cachedRatios = issue.cached.map((x) => x / cachedTarget);
  const validator = exchange.deployment.services.tokens;
  const validateAll = async (samples: readonly Sample[]) => {
    for (const s of samples) {
      const o = await validator.validate({ authorization: s.authorization, requestUrl: url });
      if (!o.ok) throw new Error(`validation refused: ${o.refusal.code}`);
    }
  };
  const profile = (name: 'app-only' | 'act-as' | 'issuance') => {
    if (name === 'app-only')
      return profileInProcess('Cold validation, app-only (in process, sync)', () =>
        validateAll(profiledAppOnly),
      );
    if (name === 'act-as')
      return profileInProcess('Cold validation, act-as (in process, sync)', () => validateAll(profiledActAs));
    return profileInProcess('Cold issuance, act-as (in process)', async () => {
      for (let i = 0; i < TOKENS.profiled; i++)
        await issuer.issue({ partner: 'exchange', host: `p${i}.litwareinc.com`, user: { sip: user } });
    });
  };
  const rows = [
    cpuRow(
      'token validation, cold (every token new), app-only, sync',
      appValidation.sync,
      'raw RS256 verify (node:crypto, sync)',
      appValidation.rawSync,
      appValidation.syncRatios,
      0.9,
    ),
    cpuRow(
      'token validation, cold (every token new), act-as, sync',
      validation.sync,
      'raw RS256 verify of its actor (node:crypto, sync)',
      validation.rawSync,
      validation.syncRatios,
      0.8,
    ),
    cpuRow(
      'token validation, cold, act-as, validateAsync (verify on the libuv pool)',
      validation.async,
      'raw RS256 verify (node:crypto, callback)',
      validation.rawAsync,
      validation.asyncRatios,
      null,
    ),
    cpuRow(
      'token issuance, cold (act-as, new audience each time)',
      issue.cold,
      'raw RS256 sign (node:crypto, sync)',
      issue.raw,
      issue.coldRatios,
      0.95,
    ),
    {
      name: 'token issuance, cached (the same audience and user)',
      value: us(median(issue.cached)),
      baselineName: `the target rate: ${cachedTarget.toLocaleString('en-US')} per CPU-second`,
      baseline: us(cachedTarget),
      ratio: median(cachedRatios),
      spread: range(cachedRatios),
      target: 1,
    },
  ];
  return { rows, profile };
}

/**
 * App-only tokens (the actor token alone, docs/protocol.md §2.5), each one new: one issued token's
 * header and claims, its `nbf` and `exp` moved back by a different number of seconds (the actor lifetime
 * is a day; at most ~2 h here) and signed again with the
 * issuer's key — the same shape, issuer, audience and certificate as an issued one (the issuer serves
 * the same app-only token from its cache, so it cannot produce many distinct ones quickly).
 */
async function appOnlyBatches(
  skype: TestDeployment,
  privateKey: KeyObject,
  host: string,
): Promise<Sample[][]> {
  const issued = await skype.deployment.services.tokens.issue({ partner: 'exchange', host });
  const [h, p] = issued.token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>;
  // nbf and exp move back together (the lifetime stays the issued one), as strings or numbers as issued.
  const shift = (v: unknown, k: number) => (typeof v === 'string' ? String(Number(v) - k) : Number(v) - k);
  const batches: Sample[][] = [];
  for (let r = 0, k = 1; r < (TOKENS.rounds + 1) * 2 + 1; r++) {
    const batch: Sample[] = [];
    const size = batchSize(r);
    for (let i = 0; i < size; i++, k++) {
      const moved = { ...claims, nbf: shift(claims.nbf, k), exp: shift(claims.exp, k) };
      const body = Buffer.from(JSON.stringify(moved)).toString('base64url');
      const input = Buffer.from(`${h}.${body}`);
      const signature = sign('sha256', input, privateKey);
      batch.push({
        authorization: asHeader(`Bearer ${h}.${body}.${signature.toString('base64url')}`),
        input,
        signature,
      });
    }
    batches.push(batch);
  }
  return batches;
}

async function issuance(skype: TestDeployment, privateKey: KeyObject, input: Buffer, user: string) {
  const issuer = skype.deployment.services.tokens;
  const ops = Array.from({ length: TOKENS.issuesPerRound }, (_, i) => i);
  const out = { raw: [] as number[], cold: [] as number[], cached: [] as number[] };
  const ratios = { coldRatios: [] as number[], cachedRatios: [] as number[] };
  let n = 0;
  const cold = () =>
    issuer.issue({ partner: 'exchange', host: `h${n++}.litwareinc.com`, user: { sip: user } });
  const cached = () =>
    issuer.issue({ partner: 'exchange', host: 'cached.litwareinc.com', user: { sip: user } });
  const cachedOps = Array.from({ length: TOKENS.cachedPerRound }, (_, i) => i);
  for (let i = 0; i < 50; i++) await Promise.all([cold(), cached()]); // JIT warm-up
  for (let i = 0; i < TOKENS.cachedPerRound; i++) await cached();
  for (let r = 0; r < TOKENS.rounds; r++) {
    const raw = cpuOpsPerSecondSync(ops, () => sign('sha256', input, privateKey));
    const c = await cpuOpsPerSecond(ops, cold);
    const h = await cpuOpsPerSecond(cachedOps, cached);
    out.raw.push(raw);
    out.cold.push(c);
    out.cached.push(h);
    ratios.coldRatios.push(c / raw);
    ratios.cachedRatios.push(h / raw);
  }
  return { ...out, ...ratios };
}

async function validationRounds(
  exchange: TestDeployment,
  publicKey: KeyObject,
  batches: readonly Sample[][],
  url: string,
) {
  const validator = exchange.deployment.services.tokens;
  const rawSync = (s: Sample) => verify('sha256', s.input, publicKey, s.signature);
  const rawAsync = (s: Sample) =>
    new Promise<boolean>((res, rej) =>
      verify('sha256', s.input, publicKey, s.signature, (e, ok) => (e ? rej(e) : res(ok))),
    );
  const check = (o: { ok: boolean; refusal?: { code: string } }) => {
    if (!o.ok) throw new Error(`validation refused: ${o.refusal?.code}`);
  };
  const sync = async (s: Sample) =>
    check(await validator.validate({ authorization: s.authorization, requestUrl: url }));
  const async = async (s: Sample) =>
    check(await validator.validateAsync({ authorization: s.authorization, requestUrl: url }));
  // Warm-up on the first two batches (those tokens are then spent: a token is never validated twice).
  for (const s of batches[0]!) rawSync(s);
  for (const s of batches[0]!) await sync(s);
  for (const s of batches[1]!) await async(s);
  const out = {
    rawSync: [] as number[],
    sync: [] as number[],
    rawAsync: [] as number[],
    async: [] as number[],
  };
  const ratios = { syncRatios: [] as number[], asyncRatios: [] as number[] };
  for (let r = 1; r <= TOKENS.rounds; r++) {
    const [a, b] = [batches[2 * r]!, batches[2 * r + 1]!];
    const raw = cpuOpsPerSecondSync(a, rawSync);
    const lib = await cpuOpsPerSecond(a, sync);
    const rawA = await cpuOpsPerSecond(b, rawAsync);
    const libA = await cpuOpsPerSecond(b, async);
    out.rawSync.push(raw);
    out.sync.push(lib);
    out.rawAsync.push(rawA);
    out.async.push(libA);
    ratios.syncRatios.push(lib / raw);
    ratios.asyncRatios.push(libA / rawA);
  }
  return { ...out, ...ratios };
}
