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

/** Sizes, each declared once. */
const TOKENS = { rounds: 5, perRound: 300, issuesPerRound: 200 } as const;

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
): Promise<BenchRow[]> {
  const issuer = skype.deployment.services.tokens;
  const host = `127.0.0.1:${exchange.server.port}`;
  const url = `https://${host}/storage/v1/folders`;
  const key = (await skype.deployment.services.certificates.signingMaterial('OAuthTokenIssuer')).current!;
  log(`tokens: issuing ${(TOKENS.rounds + 1) * 2 * TOKENS.perRound} distinct act-as tokens …`);
  const batches: Sample[][] = [];
  for (let r = 0, k = 0; r < (TOKENS.rounds + 1) * 2; r++) {
    const batch: Sample[] = [];
    for (let i = 0; i < TOKENS.perRound; i++, k++) {
      const t = await issuer.issue({ partner: 'exchange', host, user: { sip: `user${k}@litwareinc.com` } });
      const [h, p, s] = t.actorToken.split('.');
      batch.push({
        authorization: `Bearer ${t.token}`,
        input: Buffer.from(`${h}.${p}`),
        signature: Buffer.from(s!, 'base64url'),
      });
    }
    batches.push(batch);
  }
  log('tokens: issuance and validation, interleaved rounds …');
  const issue = await issuance(skype, key.privateKey!, batches[0]![0]!.input, user);
  const validation = await validationRounds(exchange, key.publicKey, batches, url);
  return [
    {
      name: 'token issuance, cold (act-as, new audience each time)',
      value: median(issue.cold),
      baselineName: 'raw RS256 sign (node:crypto, sync)',
      baseline: median(issue.raw),
      ratio: median(issue.coldRatios),
      spread: range(issue.coldRatios),
      target: 0.9,
    },
    {
      name: 'token issuance, cached (the same audience and user)',
      value: median(issue.cached),
      baselineName: 'raw RS256 sign (node:crypto, sync)',
      baseline: median(issue.raw),
      ratio: median(issue.cachedRatios),
      spread: range(issue.cachedRatios),
      target: null,
    },
    {
      name: 'token validation, cold (every token new), sync',
      value: median(validation.sync),
      baselineName: 'raw RS256 verify (node:crypto, sync)',
      baseline: median(validation.rawSync),
      ratio: median(validation.syncRatios),
      spread: range(validation.syncRatios),
      target: 0.9,
    },
    {
      name: 'token validation, cold, validateAsync (verify on the libuv pool)',
      value: median(validation.async),
      baselineName: 'raw RS256 verify (node:crypto, callback)',
      baseline: median(validation.rawAsync),
      ratio: median(validation.asyncRatios),
      spread: range(validation.asyncRatios),
      target: null,
    },
  ];
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
  for (let i = 0; i < 50; i++) await Promise.all([cold(), cached()]); // JIT warm-up
  for (let r = 0; r < TOKENS.rounds; r++) {
    const raw = cpuOpsPerSecondSync(ops, () => sign('sha256', input, privateKey));
    const c = await cpuOpsPerSecond(ops, cold);
    const h = await cpuOpsPerSecond(ops, cached);
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
