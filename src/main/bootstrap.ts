/**
 * `s2s server start --bootstrap` (the main job, `npm start`; docs/server.md "Bootstrap"): on a fresh
 * clone, brings up a working deployment with no input. Before listening: the master key, the OAuth
 * configuration (realm from S2S_REALM, default `contoso.com`), and self-managed certificates (a local
 * root — trusted by the deployment, its key discarded — issuing the OAuthTokenIssuer and the
 * WebServicesInternal certificates) when none are assigned. After listening: our host names and a demo
 * user, so `s2s test storage-connectivity --partner self` works against the server itself.
 * Every step is idempotent: a second start changes nothing that exists.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureMasterKeyFile } from '../config/master-key.ts';
import { GLOBAL_IDENTITY, hasCode } from '../core/index.ts';
import type { Deployment } from './deployment.ts';
import { createLeaf, createLocalRoot } from '../ca/index.ts';
import type { GeneratedCertificate } from '../ca/index.ts';
import { resolveTlsCredentials } from './server-tls.ts';
import type { SigningMaterialSource } from './server-tls.ts';

/** The defaults of a bootstrapped deployment, each declared once. */
export const BOOTSTRAP_DEFAULTS = {
  /** OAuth realm (the SIP domain) when S2S_REALM is not set. */
  realm: 'contoso.com',
  /** The first full administrator a fresh deployment gets (docs/admin.md "The first administrator"). */
  firstAdministrator: 'admin',
  /** The file in S2S_HOME that receives its generated password (mode 0600; never printed or logged). */
  firstAdministratorPasswordFile: 'initial-admin.pw',
  /** Local part of the demo user's SIP/SMTP/UPN address (`demo@<realm>`). */
  demoUser: 'demo',
  /**
   * Attempts of a bootstrap step that lost a race for a shared document (ERR_STORE_CONFLICT): pool nodes
   * started together all add their host names to oauth-config/global (docs/server.md "Bootstrap").
   */
  conflictAttempts: 10,
  /** Upper bound (ms) of the random pause before such a step is tried again; doubles per attempt from 25 ms. */
  conflictBackoffMaxMs: 1_000,
} as const;

/**
 * Runs an idempotent read-modify-write step again when another node changed the shared document
 * between its read and its write. Each attempt re-reads: on a pool node a conflicting write first
 * catches the local replica up (docs/replication.md "Writes"), so the next read sees the winner.
 */
export async function retryOnConflict<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (err) {
      if (!hasCode(err, 'ERR_STORE_CONFLICT') || attempt >= BOOTSTRAP_DEFAULTS.conflictAttempts) throw err;
      const cap = Math.min(BOOTSTRAP_DEFAULTS.conflictBackoffMaxMs, 25 * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
    }
  }
}

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
  const realm = await retryOnConflict(async () => {
    const found = await services.oauth.find();
    if (found) return found.body.realm;
    const wanted = (env.S2S_REALM ?? BOOTSTRAP_DEFAULTS.realm).trim().toLowerCase();
    await services.oauth.initialize({ realm: wanted });
    actions.push(`initialized the store at ${deployment.store.location} with realm ${wanted}`);
    return wanted;
  });
  actions.push(...(await retryOnConflict(() => ensureCertificates(deployment, realm))));
  actions.push(...(await ensureFirstAdministrator(deployment)));
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
  // Every node of a pool started with --bootstrap adds its names to the one shared document.
  await retryOnConflict(async () => {
    const current = (await services.oauth.get()).hostNames;
    const missing = wanted.filter((h) => !current.includes(h));
    if (missing.length === 0) return;
    // New names first: `--partner self` addresses this deployment by its first host name (the listen address).
    await services.oauth.update({ hostNames: [...missing, ...current] });
    report.actions.push(`added host names ${missing.join(', ')}`);
  });
  await retryOnConflict(async () => {
    try {
      await services.storage.addUser({ sip: report.demoSip, smtp: report.demoSip, upn: report.demoSip });
      report.actions.push(`provisioned the demo user sip:${report.demoSip}`);
    } catch (err) {
      if (!hasCode(err, 'ERR_USER_EXISTS')) throw err;
    }
  });
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
  const actions: string[] = [];
  // The root is trusted once something it issued is stored: a node that lost the race for the global
  // OAuthTokenIssuer assignment (ERR_STORE_CONFLICT, nothing written) leaves no orphan trusted root.
  try {
    await importLeaves(deployment, root, realm, { needIssuer, needWeb }, actions);
  } finally {
    if (actions.length > 0) await trustRoot(deployment, root);
  }
  actions.unshift(`created the local root CA ${root.subject} (${root.thumbprint}) and trusted it`);
  return actions;
}

async function importLeaves(
  deployment: Deployment,
  root: GeneratedCertificate,
  realm: string,
  need: { needIssuer: boolean; needWeb: boolean },
  actions: string[],
): Promise<void> {
  const { config, clock } = deployment;
  const { needIssuer, needWeb } = need;
  const now = clock.now();
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
    onlyIfUnassigned: true,
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

/**
 * A deployment without any administrator gets one full administrator, `admin`, with a generated password
 * written to S2S_HOME/initial-admin.pw (mode 0600, created new) — never printed, never logged. The banner
 * names the file; the administrator signs in with it and sets a password of their own. A deployment that
 * has administrators is left alone (also a pool node bootstrapping after another one did).
 */
async function ensureFirstAdministrator(deployment: Deployment): Promise<string[]> {
  const { services, config } = deployment;
  if ((await services.admins.list()).length > 0) return [];
  const name = BOOTSTRAP_DEFAULTS.firstAdministrator;
  const file = join(config.home, BOOTSTRAP_DEFAULTS.firstAdministratorPasswordFile);
  const password = randomBytes(18).toString('base64url');
  rmSync(file, { force: true }); // a stale file of an earlier deployment: never reuse its mode or owner
  writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await services.admins.add({ name, role: 'full', password });
  } catch (err) {
    rmSync(file, { force: true });
    if (hasCode(err, 'ERR_ADMIN_EXISTS') || hasCode(err, 'ERR_STORE_CONFLICT')) return [];
    throw err;
  }
  return [
    `created the full administrator '${name}'; its password is in ${file} (mode 600): sign in, then set your own (s2s admin set --name ${name} --password-file <file>)`,
  ];
}
