/**
 * Test helper: a CaService over the in-memory store fake with a real master key and real keys, so the
 * CA tests run without a database. Not used by production code.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { ManualClock, SecretBox } from '../../core/index.ts';
import { MemoryDocumentStore } from '../../store/memory/memory-document-store.ts';
import { OAuthService } from '../oauth/oauth-service.ts';
import { silentLogger } from '../service-deps.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { Services } from '../services.ts';
import { bindServicePorts } from '../services.ts';
import { CaService } from './ca-service.ts';
import type { KeyPair } from '../../ca/index.ts';

let cachedKeys: { root: KeyPair; intermediate: KeyPair } | undefined;
/** Two RSA 2048 CA key pairs, generated once per test process. */
export function testCaKeys(): { root: KeyPair; intermediate: KeyPair } {
  const make = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return (cachedKeys ??= { root: make(), intermediate: make() });
}

/** A deployment of the CA service (realm contoso.com, pool pool.contoso.com, node fe1.contoso.com). */
export async function testCaDeployment(
  options: { store?: MemoryDocumentStore; nodeName?: string; masterKey?: Buffer } = {},
) {
  const store = options.store ?? new MemoryDocumentStore();
  const clock = new ManualClock();
  const box = new SecretBox(options.masterKey ?? randomBytes(32));
  const services = {} as { -readonly [K in keyof Services]: Services[K] };
  const deps: ServiceDeps = {
    store,
    clock,
    secretBox: () => box,
    logger: silentLogger,
    nodeName: options.nodeName ?? 'fe1.contoso.com',
    home: '/nonexistent',
    ports: bindServicePorts(services),
  };
  services.oauth = new OAuthService(deps);
  services.ca = new CaService(deps);
  if (!(await services.oauth.find()))
    await services.oauth.initialize({ realm: 'contoso.com', hostNames: ['pool.contoso.com:443'] });
  return { deps, store, clock, ca: services.ca, services };
}
