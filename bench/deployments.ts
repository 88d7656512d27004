/**
 * The two deployments every bench measurement starts from: "skype" and "exchange" on 127.0.0.1, each
 * trusting the other's root and registered as the other's Full-trust partner, with Ken provisioned on
 * exchange and one item in his Inbox (the item the HTTP rows request).
 */
import { PRINCIPAL_IDS } from '../src/core/index.ts';
import { startTestDeployment, trustRootsOf } from '../test/e2e/storage-deployment.ts';
import type { TestDeployment } from '../test/e2e/storage-deployment.ts';

export const BENCH_REALM = 'litwareinc.com';
export const BENCH_USER = 'kenmyer@litwareinc.com';

export interface BenchDeployments {
  readonly skype: TestDeployment;
  readonly exchange: TestDeployment;
  /** Stops both. */
  readonly close: () => Promise<void>;
}

/** Starts and wires both deployments; on failure nothing is left running. */
export async function startBenchDeployments(): Promise<BenchDeployments> {
  const [skype, exchange] = await Promise.all([
    startTestDeployment('skype', { realm: BENCH_REALM, serviceName: PRINCIPAL_IDS.lync }),
    startTestDeployment('exchange', { realm: BENCH_REALM, serviceName: PRINCIPAL_IDS.exchange }),
  ]);
  const close = async () => {
    await Promise.all([skype.close(), exchange.close()]);
  };
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
    await exchange.deployment.services.storage.addUser({
      sip: BENCH_USER,
      smtp: BENCH_USER,
      upn: BENCH_USER,
    });
  } catch (err) {
    await close();
    throw err;
  }
  return { skype, exchange, close };
}

/** Creates the item the HTTP rows request: its path and the JSON body every server answers. */
export async function benchItem(exchange: TestDeployment): Promise<{ itemPath: string; body: string }> {
  const item = await exchange.deployment.services.storage.createItem(
    BENCH_USER,
    'Inbox',
    { subject: 'bench', body: 'x'.repeat(200) },
    'bench',
  );
  return {
    itemPath: `/storage/v1/users/${BENCH_USER}/folders/Inbox/items/${item.id}`,
    body: JSON.stringify(item),
  };
}
