/**
 * A developer's probe of the token rows alone (not part of `npm run bench`): the same measurements as
 * bench/token-bench.ts, printed, with the profile of the row named in argv (app-only | act-as | issuance).
 * Run: node --import tsx bench/probe-tokens.ts [app-only|act-as|issuance]
 */
import { PRINCIPAL_IDS } from '../src/core/index.ts';
import { startTestDeployment, trustRootsOf } from '../test/e2e/storage-deployment.ts';
import { tokenRows } from './token-bench.ts';

const REALM = 'litwareinc.com';
const KEN = 'kenmyer@litwareinc.com';
const [skype, exchange] = await Promise.all([
  startTestDeployment('skype', { realm: REALM, serviceName: PRINCIPAL_IDS.lync }),
  startTestDeployment('exchange', { realm: REALM, serviceName: PRINCIPAL_IDS.exchange }),
]);
try {
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
  const results = await tokenRows(skype, exchange, KEN, () => undefined);
  for (const r of results.rows)
    console.log(`${r.name}: ${r.value.toFixed(1)} vs ${r.baseline.toFixed(1)} → ${r.ratio?.toFixed(2)}`);
  const which = process.argv[2] as 'app-only' | 'act-as' | 'issuance' | undefined;
  if (which) {
    const p = await results.profile(which);
    for (const l of [...p.functions, ...p.parts]) console.log(`  ${(l.share * 100).toFixed(1)}% ${l.name}`);
    console.log(p.threads);
  }
} finally {
  await Promise.all([skype.close(), exchange.close()]);
}
