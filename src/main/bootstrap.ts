/**
 * `s2s server start --bootstrap` (the main job, `npm start`; docs/server.md "Bootstrap"): on a fresh
 * clone, brings up a working deployment with no input. Before listening: the master key, the OAuth
 * configuration (realm from S2S_REALM, default `contoso.com`), and self-managed certificates (a local
 * root — trusted by the deployment, its key discarded — issuing the OAuthTokenIssuer and the
 * WebServicesInternal certificates) when none are assigned. After listening: our host names and a demo
 * user, so `s2s test storage-connectivity --partner self` works against the server itself.
 * Every step is idempotent: a second start changes nothing that exists.
 */
import { ensureMasterKeyFile } from '../config/master-key.ts';
import { GLOBAL_IDENTITY, hasCode } from '../core/index.ts';
import type { Deployment } from './deployment.ts';
import { createLeaf, createLocalRoot } from './self-signed-certificates.ts';
import type { GeneratedCertificate } from './self-signed-certificates.ts';
import { resolveTlsCredentials } from './server-tls.ts';
import type { SigningMaterialSource } from './server-tls.ts';

/** The defaults of a bootstrapped deployment, each declared once. */
export const BOOTSTRAP_DEFAULTS = {
  /** OAuth realm (the SIP domain) when S2S_REALM is not set. */
  realm: 'contoso.com',
  /** Local part of the demo user's SIP/SMTP/UPN address (`demo@<realm>`). */
  demoUser: 'demo',
} as const;

/** What bootstrap did, for the start-up banner. */
export interface BootstrapReport {
  readonly realm: string;
  readonly actions: string[];
  readonly demoSip: string;
}

/** Steps before the server listens: master key, OAuth configuration, certificates. */
export async function prepareBootstrap(
  deployment: Deployment,
  env: Readonly<Record<string, string | undefined>>,
): Promise<BootstrapReport> {
  const { config, services } = deployment;
  const actions: string[] = [];
  if (ensureMasterKeyFile(config.masterKey, config.masterKeyFile))
    actions.push(`created the master key ${config.masterKeyFile} (mode 600)`);
  let oauth = await services.oauth.find();
  if (!oauth) {
    const realm = (env.S2S_REALM ?? BOOTSTRAP_DEFAULTS.realm).trim().toLowerCase();
    await services.oauth.initialize({ realm });
    actions.push(`initialized the store at ${deployment.store.location} with realm ${realm}`);
    oauth = await services.oauth.find();
  }
  const realm = oauth!.body.realm;
  actions.push(...(await ensureCertificates(deployment, realm)));
  return { realm, actions, demoSip: `${BOOTSTRAP_DEFAULTS.demoUser}@${realm}` };
}

/** Steps after the server listens on `port`: host names partners (and we) address us by, and the demo user. */
export async function finishBootstrap(
  deployment: Deployment,
  report: BootstrapReport,
  listenHost: string,
  port: number,
): Promise<void> {
  const { services, config } = deployment;
  const suffix = port === 443 ? '' : `:${port}`;
  const wanted = [...new Set([listenHost, '127.0.0.1', 'localhost', config.nodeName])].map(
    (h) => `${h}${suffix}`,
  );
  const current = (await services.oauth.get()).hostNames;
  const missing = wanted.filter((h) => !current.includes(h));
  if (missing.length > 0) {
    // New names first: `--partner self` addresses this deployment by its first host name (the listen address).
    await services.oauth.update({ hostNames: [...missing, ...current] });
    report.actions.push(`added host names ${missing.join(', ')}`);
  }
  try {
    await services.storage.addUser({ sip: report.demoSip, smtp: report.demoSip, upn: report.demoSip });
    report.actions.push(`provisioned the demo user sip:${report.demoSip}`);
  } catch (err) {
    if (!hasCode(err, 'ERR_USER_EXISTS')) throw err;
  }
}

/** Creates and assigns self-managed certificates for whatever has none (OAuthTokenIssuer; the web usages). */
async function ensureCertificates(deployment: Deployment, realm: string): Promise<string[]> {
  const { services, config, clock } = deployment;
  const certificates: SigningMaterialSource = services.certificates;
  const needIssuer = !(await certificates.signingMaterial('OAuthTokenIssuer', GLOBAL_IDENTITY)).current;
  const needWeb = (await resolveTlsCredentials(certificates, config.nodeName)) === null;
  if (!needIssuer && !needWeb) return [];
  const now = clock.now();
  const root = await createLocalRoot(config.nodeName, now);
  await trustRoot(deployment, root);
  const actions = [`created the local root CA ${root.subject} (${root.thumbprint}) and trusted it`];
  const names = { dnsNames: [config.nodeName, 'localhost'], ipAddresses: ['127.0.0.1'], now };
  if (needIssuer) {
    const issuer = await createLeaf(root, {
      ...names,
      commonName: config.nodeName,
      dnsNames: [...names.dnsNames, realm],
    });
    await importAssigned(
      deployment,
      issuer,
      root,
      'OAuthTokenIssuer',
      GLOBAL_IDENTITY,
      's2s OAuthTokenIssuer (bootstrap)',
    );
    actions.push(`created and assigned the OAuthTokenIssuer certificate ${issuer.thumbprint}`);
  }
  if (needWeb) {
    const web = await createLeaf(root, { ...names, commonName: config.nodeName });
    await importAssigned(
      deployment,
      web,
      root,
      'WebServicesInternal',
      config.nodeName,
      's2s web (bootstrap)',
    );
    actions.push(
      `created and assigned the WebServicesInternal certificate ${web.thumbprint} for ${config.nodeName}`,
    );
  }
  return actions;
}

/** Imports through the certificate service (the key is sealed there) and assigns in the same batch. */
async function importAssigned(
  deployment: Deployment,
  leaf: GeneratedCertificate,
  root: GeneratedCertificate,
  usage: string,
  identity: string,
  friendlyName: string,
): Promise<void> {
  await deployment.services.certificates.import({
    file: Buffer.from(pem(leaf.der) + pem(root.der)),
    keyFile: Buffer.from(leaf.privateKey.export({ format: 'pem', type: 'pkcs8' })),
    fileName: 'bootstrap.pem',
    usages: [usage],
    identity,
    friendlyName,
  });
}

/** Adds the root to the deployment's trusted roots (document kind `trusted-root`), so partners fetching over TLS trust it. */
async function trustRoot(deployment: Deployment, root: GeneratedCertificate): Promise<void> {
  const body = {
    thumbprint: root.thumbprint,
    certificate: root.der.toString('base64'),
    subject: root.subject,
    notAfter: root.cert.notAfter.toISOString(),
    addedAt: deployment.clock.now().toISOString(),
  };
  await deployment.store.write(
    [{ op: 'put', kind: 'trusted-root', key: root.thumbprint, body, expect: 'absent' }],
    { actor: `node:${deployment.config.nodeName}` },
  );
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${(der.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}
